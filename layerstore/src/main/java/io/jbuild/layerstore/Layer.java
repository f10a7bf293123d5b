package io.jbuild.layerstore;

/** A written layer: the descriptor of the (compressed) blob and the diff id of its uncompressed tar. */
public record Layer(Descriptor descriptor, Digest diffId) {
    public Layer {
        if (descriptor == null || diffId == null) {
            throw new IllegalArgumentException("layer needs a descriptor and a diff id");
        }
    }
}
