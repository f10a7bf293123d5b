package io.jbuild.layerstore;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lays images of a store out as an OCI image layout: {@code oci-layout}, {@code index.json} and
 * every blob the images reference under {@code blobs/<alg>/<hex>}. Each image gets one entry in
 * {@code index.json}, annotated as BuildKit and {@code docker save} (25+) do:
 * {@code io.containerd.image.name} holds the full name and
 * {@code org.opencontainers.image.ref.name} the tag, which is what {@code skopeo oci:DIR:TAG}
 * and {@code umoci --image DIR:TAG} look up.
 */
final class OciLayoutWriter {
    /** The annotation BuildKit and containerd use for the full image name. */
    static final String IMAGE_NAME = "io.containerd.image.name";

    private OciLayoutWriter() {
    }

    /** The files of the layout (blobs not yet read). */
    static ArchiveTarWriter files(BlobStore store, List<NamedImage> images) throws StoreException {
        ArchiveTarWriter files = new ArchiveTarWriter();
        Set<Digest> seen = new HashSet<>();
        List<Descriptor> entries = new ArrayList<>();
        for (NamedImage image : images) {
            addTree(store, image.manifest(), seen, files, true);
            Descriptor d = image.manifest();
            Descriptor entry = Descriptor.of(d.mediaType(), d.digest(), d.size()).withPlatform(d.platform());
            Map<String, String> annotations = annotations(image.name());
            entries.add(entry.withAnnotations(annotations));
        }
        files.add("oci-layout", Json.write(OciLayoutHeader.CURRENT));
        files.add("index.json", Json.write(ImageIndex.of(entries)));
        return files;
    }

    static Map<String, String> annotations(String name) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (name == null) {
            return annotations;
        }
        annotations.put(IMAGE_NAME, name);
        try {
            ImageReference ref = ImageReference.parse(name);
            if (ref.tag() != null) {
                annotations.put(BlobStore.REF_NAME, ref.tag());
            }
        } catch (InvalidValueException e) {
            annotations.put(BlobStore.REF_NAME, name);
        }
        return annotations;
    }

    /**
     * Adds the blob of {@code d} and everything it references. Children of an index that are not
     * in the store (other platforms of a pulled image) are left out; a top-level descriptor, a
     * config or a layer that is missing is an error.
     */
    private static void addTree(BlobStore store, Descriptor d, Set<Digest> seen, ArchiveTarWriter files,
            boolean required) throws StoreException {
        if (!seen.add(d.digest())) {
            return;
        }
        if (!required && !store.contains(d.digest())) {
            return;
        }
        byte[] bytes = store.readAll(d.digest());
        files.addBlob(path(d.digest()), store, d.digest());
        JsonNode tree = Json.read(bytes, JsonNode.class);
        if (tree.has("manifests")) {
            for (Descriptor child : Json.read(bytes, ImageIndex.class).manifests()) {
                addTree(store, child, seen, files, false);
            }
        } else if (tree.has("config") && tree.has("layers")) {
            Manifest manifest = Json.read(bytes, Manifest.class);
            addBlob(store, manifest.config(), seen, files);
            for (Descriptor layer : manifest.layers()) {
                if (layer.urls().isEmpty() || store.contains(layer.digest())) {
                    addBlob(store, layer, seen, files); // foreign layers not in the store stay out
                }
            }
        }
    }

    private static void addBlob(BlobStore store, Descriptor d, Set<Digest> seen, ArchiveTarWriter files)
            throws StoreException {
        if (seen.add(d.digest())) {
            if (!store.contains(d.digest())) {
                throw new BlobNotFoundException(d.digest());
            }
            files.addBlob(path(d.digest()), store, d.digest());
        }
    }

    static String path(Digest digest) {
        return "blobs/" + digest.algorithm() + "/" + digest.encoded();
    }
}
