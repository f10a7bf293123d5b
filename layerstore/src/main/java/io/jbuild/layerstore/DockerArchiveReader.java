package io.jbuild.layerstore;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the images of a {@code docker save} archive: for each {@code manifest.json} entry the
 * config (bytes kept, so the image id stays) and the layer tars, stored gzip-compressed (or as
 * they are when already compressed) after their diff ids were checked against the config; a new
 * OCI manifest ties them together. Names are the entry's {@code RepoTags}, normalised.
 */
final class DockerArchiveReader {
    private DockerArchiveReader() {
    }

    static List<NamedImage> load(BlobStore store, ArchiveContents archive, byte[] manifestJson,
            String source) throws StoreException {
        DockerArchiveManifest[] entries = Json.read(manifestJson, DockerArchiveManifest[].class);
        if (entries.length == 0) {
            throw new StoreException("load " + source + ": its manifest.json lists no image");
        }
        List<NamedImage> images = new ArrayList<>();
        for (DockerArchiveManifest entry : entries) {
            byte[] configBytes = archive.document(entry.config());
            if (configBytes == null) {
                throw new StoreException("load " + source + ": config " + entry.config() + " is not in the archive");
            }
            Stored<ImageConfig> config = Stored.parse(configBytes, ImageConfig.class);
            List<Digest> diffIds = config.value().rootfs().diffIds();
            if (diffIds.size() != entry.layers().size()) {
                throw new StoreException("load " + source + ": " + entry.config() + " lists " + diffIds.size()
                        + " diff ids but manifest.json " + entry.layers().size() + " layers");
            }
            List<Descriptor> layers = new ArrayList<>();
            for (int i = 0; i < diffIds.size(); i++) {
                Layer layer = archive.layer(entry.layers().get(i));
                if (!layer.diffId().equals(diffIds.get(i))) {
                    throw new UnexpectedContentException("load layer " + entry.layers().get(i) + ": its content is "
                            + layer.diffId() + ", the config says " + diffIds.get(i), null);
                }
                layers.add(layer.descriptor());
            }
            Descriptor configDescriptor = store.write(MediaType.OCI_CONFIG, configBytes);
            Stored<Manifest> manifest = Stored.of(Manifest.of(configDescriptor, layers));
            Descriptor manifestDescriptor = store.write(MediaType.OCI_MANIFEST, manifest);
            if (entry.repoTags().isEmpty()) {
                images.add(new NamedImage(null, manifestDescriptor));
            }
            for (String tag : entry.repoTags()) {
                images.add(new NamedImage(OciLayoutReader.normalised(tag), manifestDescriptor));
            }
        }
        return images;
    }
}
