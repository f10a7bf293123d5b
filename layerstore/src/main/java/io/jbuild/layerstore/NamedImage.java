package io.jbuild.layerstore;

/**
 * An image to export or one that was imported: the descriptor of its manifest (or index) and the
 * name it goes by, a normalised reference such as {@code docker.io/library/busybox:latest}, or
 * null for an image without a name.
 */
public record NamedImage(String name, Descriptor manifest) {
    public NamedImage {
        if (manifest == null) {
            throw new IllegalArgumentException("named image needs a manifest descriptor");
        }
        if (name != null && name.isEmpty()) {
            throw new IllegalArgumentException("image name is empty; use null for an image without a name");
        }
    }
}
