package io.jbuild.layerstore;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the images of an OCI image layout: every image or index {@code index.json} lists, with
 * all the blobs it reaches (children of an index the layout does not carry are left out), copied
 * into the store verified. Names come from {@code io.containerd.image.name}, else from a
 * {@code org.opencontainers.image.ref.name} that is a full reference; a bare tag names no
 * repository, so such an image has no name.
 */
final class OciLayoutReader {
    private OciLayoutReader() {
    }

    static List<NamedImage> load(ArchiveContents archive, String source) throws StoreException {
        byte[] indexBytes = archive.document("index.json");
        if (indexBytes == null) {
            throw new StoreException("load " + source + ": the OCI layout has no index.json");
        }
        ImageIndex index = Json.read(indexBytes, ImageIndex.class);
        List<NamedImage> images = new ArrayList<>();
        Set<Digest> done = new HashSet<>();
        for (Descriptor d : index.manifests()) {
            if (!MediaType.isManifest(d.mediaType()) && !MediaType.isIndex(d.mediaType())) {
                continue; // artifacts and other content of the layout are no images
            }
            loadTree(archive, d, done, true);
            Descriptor clean = Descriptor.of(d.mediaType(), d.digest(), d.size()).withPlatform(d.platform());
            images.add(new NamedImage(ociName(d), clean));
        }
        if (images.isEmpty()) {
            throw new StoreException("load " + source + ": its index.json lists no image");
        }
        return images;
    }

    private static void loadTree(ArchiveContents archive, Descriptor d, Set<Digest> done, boolean required)
            throws StoreException {
        if (!done.add(d.digest())) {
            return;
        }
        if (!required && !archive.hasBlob(d.digest())) {
            return; // a platform the archive does not carry
        }
        archive.blob(d);
        byte[] bytes = archive.store.readAll(d.digest());
        JsonNode tree = Json.read(bytes, JsonNode.class);
        if (tree.has("manifests")) {
            for (Descriptor child : Json.read(bytes, ImageIndex.class).manifests()) {
                if (MediaType.isManifest(child.mediaType()) || MediaType.isIndex(child.mediaType())) {
                    loadTree(archive, child, done, false);
                }
            }
            return;
        }
        Manifest manifest = Json.read(bytes, Manifest.class);
        archive.blob(manifest.config());
        for (Descriptor layer : manifest.layers()) {
            if (!layer.urls().isEmpty() && !archive.hasBlob(layer.digest())) {
                continue; // a foreign layer, fetched from its urls when needed
            }
            archive.blob(layer);
        }
        if (MediaType.OCI_CONFIG.equals(manifest.config().mediaType())
                || MediaType.DOCKER_CONFIG.equals(manifest.config().mediaType())) {
            ImageConfig config = archive.store.readDocument(manifest.config().digest(), ImageConfig.class).value();
            if (config.rootfs().diffIds().size() != manifest.layers().size()) {
                throw new StoreCorruptedException("load manifest " + d.digest() + ": it has " + manifest.layers().size()
                        + " layers but its config " + config.rootfs().diffIds().size() + " diff ids");
            }
        }
    }

    /** The image name of an index.json entry, normalised; null when it has none. */
    private static String ociName(Descriptor d) throws StoreException {
        String full = d.annotations().get(OciLayoutWriter.IMAGE_NAME);
        if (full != null) {
            return normalised(full);
        }
        String ref = d.annotations().get(BlobStore.REF_NAME);
        if (ref != null && (ref.contains(":") || ref.contains("/"))) {
            return normalised(ref);
        }
        return null;
    }

    static String normalised(String name) throws StoreException {
        try {
            return ImageReference.parse(name).toString();
        } catch (InvalidValueException e) {
            throw new StoreException("load image named \"" + name + "\": " + e.getMessage(), e);
        }
    }
}
