package io.jbuild.layerstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lays images of a store out as a classic {@code docker save} archive, the layout every
 * {@code docker load} accepts: {@code manifest.json}, {@code repositories}, the config as
 * {@code <hex>.json} and each layer uncompressed as {@code <diffid-hex>/layer.tar}. Compressed
 * layers are decompressed into {@code tmpDir} first (the tar header needs their size); their
 * content is checked against the config's diff id on the way.
 */
final class DockerArchiveWriter {
    private DockerArchiveWriter() {
    }

    static ArchiveTarWriter files(BlobStore store, List<NamedImage> images, Path tmpDir) throws StoreException {
        ArchiveTarWriter files = new ArchiveTarWriter();
        List<DockerArchiveManifest> manifest = new ArrayList<>();
        Map<String, Map<String, String>> repositories = new TreeMap<>();
        for (NamedImage named : images) {
            StoredImages.Image image = StoredImages.load(store, named.name(), named.manifest(), null);
            String config = image.manifest().config().digest().encoded() + ".json";
            files.add(config, image.config().bytes());
            List<String> layers = new ArrayList<>();
            for (int i = 0; i < image.manifest().layers().size(); i++) {
                Digest diffId = image.diffIds().get(i);
                String path = diffId.encoded() + "/layer.tar";
                if (!files.files().containsKey(path)) {
                    addLayer(store, image.manifest().layers().get(i), diffId, path, files, tmpDir);
                }
                layers.add(path);
            }
            List<String> repoTags = new ArrayList<>();
            ImageReference ref = reference(named.name());
            if (ref != null && ref.tag() != null) {
                String familiar = ref.withTag(ref.tag()).familiar();
                repoTags.add(familiar);
                String repository = familiar.substring(0, familiar.lastIndexOf(':'));
                if (!layers.isEmpty()) {
                    String top = layers.get(layers.size() - 1);
                    repositories.computeIfAbsent(repository, k -> new LinkedHashMap<>())
                            .put(ref.tag(), top.substring(0, top.indexOf('/')));
                }
            }
            manifest.add(new DockerArchiveManifest(config, repoTags, layers));
        }
        files.add("manifest.json", Json.write(manifest));
        if (!repositories.isEmpty()) {
            files.add("repositories", Json.write(repositories));
        }
        return files;
    }

    private static ImageReference reference(String name) {
        if (name == null) {
            return null;
        }
        try {
            return ImageReference.parse(name);
        } catch (InvalidValueException e) {
            return null;
        }
    }

    private static void addLayer(BlobStore store, Descriptor layer, Digest diffId, String path,
            ArchiveTarWriter files, Path tmpDir) throws StoreException {
        if (!MediaType.isGzipLayer(layer.mediaType()) && !MediaType.isZstdLayer(layer.mediaType())
                && layer.digest().equals(diffId)) {
            files.addBlob(path, store, layer.digest());
            return;
        }
        Path plain = tmpDir.resolve(diffId.encoded() + ".tar");
        try (InputStream raw = store.open(layer.digest());
             InputStream in = Compressions.decompressed(raw);
             OutputStream out = Files.newOutputStream(plain)) {
            DigestingOutputStream digesting = new DigestingOutputStream(new java.io.BufferedOutputStream(out, 65536),
                    diffId.algorithm());
            in.transferTo(digesting);
            digesting.flush();
            Digest actual = digesting.digest();
            if (!actual.equals(diffId)) {
                throw new StoreCorruptedException("save layer " + layer.digest() + ": its uncompressed content is "
                        + actual + ", the config says " + diffId);
            }
        } catch (IOException e) {
            throw new StoreException("save layer " + layer.digest() + ": " + e.getMessage(), e);
        }
        files.addFile(path, plain);
    }
}
