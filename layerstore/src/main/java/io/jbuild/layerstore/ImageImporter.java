package io.jbuild.layerstore;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Loads images from an archive into a {@link BlobStore}, as {@code docker load} does. The input
 * is an OCI image layout (tar or directory) or a {@code docker save} archive (tar or extracted
 * directory), told apart by content: an {@code oci-layout} file, else a {@code manifest.json}.
 * A tar may be compressed with gzip or bzip2.
 *
 * <p>OCI blobs are stored as they are, verified against their file name. Docker archive layers
 * (uncompressed tars) are stored gzip-compressed; their diff ids are checked against the config,
 * whose bytes are kept, and a new OCI manifest is written. Names come from
 * {@code io.containerd.image.name}, else from a {@code org.opencontainers.image.ref.name} that
 * is a full reference (a bare tag names no repository), or from {@code RepoTags}; they are
 * normalised as pull does ({@code busybox} is {@code docker.io/library/busybox:latest}). Images
 * without a name are kept in the store's index without one. Tags are written only after every
 * blob is in the store, so an interrupted or refused load leaves at most unreferenced blobs.
 */
public final class ImageImporter {
    private ImageImporter() {
    }

    /** Loads every image of {@code input}; returns them in archive order. */
    public static List<NamedImage> load(BlobStore store, Path input) throws StoreException {
        List<NamedImage> images;
        if (Files.isDirectory(input)) {
            images = load(store, DirectoryArchive.open(store, input), input.toString());
        } else {
            try (InputStream in = decompressed(Files.newInputStream(input), input.toString())) {
                images = load(store, StreamedArchive.read(store, in, input.toString()), input.toString());
            } catch (IOException e) {
                throw new StoreException("load " + input + ": " + e, e);
            }
        }
        return tag(store, images);
    }

    /** Loads every image of a tar stream (compressed or not); {@code source} names it in errors. */
    public static List<NamedImage> load(BlobStore store, InputStream tar, String source) throws StoreException {
        try {
            InputStream in = decompressed(tar, source);
            return tag(store, load(store, StreamedArchive.read(store, in, source), source));
        } catch (IOException e) {
            throw new StoreException("load " + source + ": " + e, e);
        }
    }

    private static List<NamedImage> tag(BlobStore store, List<NamedImage> images) throws StoreException {
        for (NamedImage image : images) {
            if (image.name() == null) {
                store.addUntagged(image.manifest());
            } else {
                store.tag(image.name(), image.manifest());
            }
        }
        return images;
    }

    private static InputStream decompressed(InputStream raw, String source) throws IOException, StoreException {
        BufferedInputStream in = new BufferedInputStream(raw, 65536);
        in.mark(6);
        byte[] magic = in.readNBytes(6);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, 65536);
        }
        if (magic.length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
            return new BZip2CompressorInputStream(in, true);
        }
        if (magic.length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            throw new StoreException("load " + source + ": zstd-compressed archives are not supported; "
                    + "decompress it first (zstd -d)");
        }
        if (magic.length >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z') {
            throw new StoreException("load " + source + ": xz-compressed archives are not supported; "
                    + "decompress it first (xz -d)");
        }
        return in;
    }

    private static List<NamedImage> load(BlobStore store, ArchiveContents archive, String source)
            throws StoreException {
        byte[] layout = archive.document("oci-layout");
        if (layout != null) {
            OciLayoutHeader header = Json.read(layout, OciLayoutHeader.class);
            if (!header.imageLayoutVersion().startsWith("1.")) {
                throw new StoreException("load " + source + ": unsupported OCI layout version "
                        + header.imageLayoutVersion());
            }
            return loadOciLayout(archive, source);
        }
        byte[] manifest = archive.document("manifest.json");
        if (manifest != null) {
            return loadDockerArchive(store, archive, manifest, source);
        }
        throw new StoreException("load " + source + ": neither an OCI image layout (no oci-layout file) "
                + "nor a docker archive (no manifest.json)");
    }

    // ---------------------------------------------------------------- OCI layout

    private static List<NamedImage> loadOciLayout(ArchiveContents archive, String source) throws StoreException {
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

    private static String normalised(String name) throws StoreException {
        try {
            return ImageReference.parse(name).toString();
        } catch (InvalidValueException e) {
            throw new StoreException("load image named \"" + name + "\": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- docker archive

    private static List<NamedImage> loadDockerArchive(BlobStore store, ArchiveContents archive, byte[] manifestJson,
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
                images.add(new NamedImage(normalised(tag), manifestDescriptor));
            }
        }
        return images;
    }
}
