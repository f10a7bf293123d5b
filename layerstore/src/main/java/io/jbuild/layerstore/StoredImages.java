package io.jbuild.layerstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Images held in a {@link BlobStore}: finding one by name or digest, the unpacked layer
 * directories (overlay lowerdirs) of its layers, its flattened root file system, and a read-only
 * overlay mount of it.
 */
public final class StoredImages {
    /** The diff id of the empty layer (a tar of only its end-of-archive blocks, 1024 zero bytes). */
    public static final Digest EMPTY_LAYER_DIFF_ID = Digest.of(new byte[1024]);

    private StoredImages() {
    }

    /**
     * An image in the store.
     *
     * @param name the store tag it was found under, null when found by digest
     * @param descriptor the manifest's descriptor
     * @param manifest the manifest
     * @param config the parsed config (its exact bytes in {@code configBytes})
     */
    public record Image(String name, Descriptor descriptor, Manifest manifest, Stored<ImageConfig> config) {
        /** The layer diff ids, bottom first. */
        public List<Digest> diffIds() {
            return config.value().rootfs().diffIds();
        }
    }

    /**
     * Finds an image: an exact store tag, a reference normalised as Docker does ({@code busybox}
     * = {@code docker.io/library/busybox:latest}), a manifest or config digest, or a unique
     * prefix of at least 12 hex digits of one. An index is resolved to {@code platform}'s manifest
     * (the host's when null).
     */
    public static Optional<Image> find(BlobStore store, String ref, Platform platform) throws StoreException {
        Optional<Found> found = lookup(store, ref);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(load(store, found.get().name(), found.get().descriptor(), platform));
    }

    /**
     * The descriptor {@code ref} names, as {@link #find} looks it up, without reading the image:
     * for an index, the index itself (what {@code tag} copies).
     */
    public static Optional<Descriptor> resolve(BlobStore store, String ref) throws StoreException {
        return lookup(store, ref).map(Found::descriptor);
    }

    private record Found(String name, Descriptor descriptor) {
    }

    private static Optional<Found> lookup(BlobStore store, String ref) throws StoreException {
        Optional<Descriptor> tagged = store.resolve(ref);
        String name = ref;
        if (tagged.isEmpty()) {
            try {
                ImageReference parsed = ImageReference.parse(ref);
                name = parsed.storeName();
                tagged = store.resolve(name);
                if (tagged.isEmpty() && parsed.digest() != null && store.contains(parsed.digest())) {
                    tagged = Optional.of(describe(store, parsed.digest()));
                }
            } catch (InvalidValueException e) {
                // not a reference: maybe a digest or an id prefix
            }
        }
        if (tagged.isEmpty()) {
            name = null;
            tagged = findByDigest(store, ref);
        }
        if (tagged.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Found(name, tagged.get()));
    }

    /** The descriptor of a stored manifest or index, its media type read from the document. */
    private static Descriptor describe(BlobStore store, Digest digest) throws StoreException {
        byte[] bytes = store.readAll(digest);
        com.fasterxml.jackson.databind.JsonNode tree = Json.read(bytes, com.fasterxml.jackson.databind.JsonNode.class);
        String mediaType = tree.path("mediaType").asText("");
        if (!MediaType.isValid(mediaType)) {
            mediaType = tree.has("manifests") ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
        }
        return Descriptor.of(mediaType, digest, bytes.length);
    }

    /** The store tags that point at {@code digest}, in {@code index.json} order. */
    public static List<String> tagsOf(BlobStore store, Digest digest) throws StoreException {
        List<String> names = new ArrayList<>();
        for (Descriptor d : store.list()) {
            String name = d.annotations().get(BlobStore.REF_NAME);
            if (name != null && d.digest().equals(digest)) {
                names.add(name);
            }
        }
        return names;
    }

    private static Optional<Descriptor> findByDigest(BlobStore store, String ref) throws StoreException {
        String hex = ref.toLowerCase(Locale.ROOT);
        if (hex.startsWith("sha256:")) {
            hex = hex.substring(7);
        }
        if (hex.length() < 12 || !hex.matches("[0-9a-f]+")) {
            return Optional.empty();
        }
        Descriptor found = null;
        for (Descriptor d : store.list()) {
            boolean match = d.digest().encoded().startsWith(hex);
            if (!match && MediaType.isManifest(d.mediaType())) {
                Manifest m = store.readDocument(d.digest(), Manifest.class).value();
                match = m.config().digest().encoded().startsWith(hex);
            }
            if (match) {
                if (found != null && !found.digest().equals(d.digest())) {
                    throw new StoreException("find image " + ref + ": the prefix is ambiguous ("
                            + found.digest() + ", " + d.digest() + ")");
                }
                found = d;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Reads the image {@code descriptor} points at (a manifest, or an index resolved to {@code platform}). */
    public static Image load(BlobStore store, String name, Descriptor descriptor, Platform platform) throws StoreException {
        Descriptor target = descriptor;
        byte[] bytes = store.readAll(target.digest());
        com.fasterxml.jackson.databind.JsonNode tree = Json.read(bytes, com.fasterxml.jackson.databind.JsonNode.class);
        String mediaType = tree.path("mediaType").asText(target.mediaType());
        if (tree.has("manifests")) {
            mediaType = MediaType.OCI_INDEX;
        }
        if (MediaType.isIndex(mediaType)) {
            ImageIndex index = Stored.parse(bytes, ImageIndex.class).value();
            Platform wanted = platform == null ? Platform.host() : platform;
            Descriptor chosen = null;
            for (Descriptor d : index.manifests()) {
                if (MediaType.isManifest(d.mediaType()) && (d.platform() == null || d.platform().matches(wanted))
                        && store.contains(d.digest())) {
                    chosen = d;
                    break;
                }
            }
            if (chosen == null) {
                throw new StoreException("read image " + (name == null ? descriptor.digest() : name)
                        + ": the index has no manifest for " + wanted + " in the store");
            }
            target = chosen;
            bytes = store.readAll(target.digest());
        }
        Manifest manifest = Stored.parse(bytes, Manifest.class).value();
        Stored<ImageConfig> config = store.readDocument(manifest.config().digest(), ImageConfig.class);
        if (config.value().rootfs().diffIds().size() != manifest.layers().size()) {
            throw new StoreCorruptedException("read image " + target.digest() + ": the manifest has "
                    + manifest.layers().size() + " layers but the config " + config.value().rootfs().diffIds().size()
                    + " diff ids");
        }
        return new Image(name, target, manifest, config);
    }

    /** The image's unpacked layer directories, bottom first, unpacking the ones not yet in the store. */
    public static List<Path> layerDirs(BlobStore store, Image image) throws StoreException {
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < image.manifest().layers().size(); i++) {
            dirs.add(layerDir(store, image.manifest().layers().get(i), image.diffIds().get(i)));
        }
        return dirs;
    }

    /**
     * The unpacked directory of one layer ({@code layers/<diffid>/}, overlay format), extracting
     * the blob when it is not there yet. The uncompressed stream must hash to {@code diffId}.
     */
    public static Path layerDir(BlobStore store, Descriptor layer, Digest diffId) throws StoreException {
        if (store.hasLayerDir(diffId)) {
            return store.layerDir(diffId);
        }
        Path staged = store.createTempDirectory("unpack");
        boolean committed = false;
        try {
            apply(store, layer, diffId, TarExtractor.of(TarExtractor.Mode.OVERLAY), staged);
            Path dir = store.commitLayerDir(staged, diffId);
            committed = true;
            return dir;
        } finally {
            if (!committed) {
                try {
                    Directories.deleteRecursively(staged);
                } catch (IOException ignored) {
                    // tmp/ is cleaned of dead writers' files later
                }
            }
        }
    }

    /**
     * Extracts the layer blob into {@code dir}; the uncompressed stream must hash to {@code diffId}.
     * Returns the extractor's warnings.
     */
    private static List<String> apply(BlobStore store, Descriptor layer, Digest diffId, TarExtractor extractor, Path dir)
            throws StoreException {
        MessageDigest md = diffId.newMessageDigest();
        List<String> warnings;
        try (InputStream raw = store.open(layer.digest());
             InputStream plain = Compressions.decompressed(raw);
             InputStream hashed = new java.security.DigestInputStream(plain, md)) {
            warnings = extractor.extract(hashed, dir);
            hashed.transferTo(OutputStream.nullOutputStream()); // the tar's trailing padding counts
        } catch (IOException e) {
            throw new StoreException("unpack layer " + layer.digest() + ": " + e, e);
        }
        Digest actual = new Digest(diffId.algorithm(), java.util.HexFormat.of().formatHex(md.digest()));
        if (!actual.equals(diffId)) {
            throw new StoreCorruptedException("unpack layer " + layer.digest() + ": its uncompressed content is "
                    + actual + ", the config says " + diffId);
        }
        return warnings;
    }

    /**
     * Unpacks the image's flattened root file system into {@code dir} (created when missing; it
     * must be empty): each layer applied in turn, whiteouts deleting what lower layers put there.
     * Returns warnings (what could not be restored, e.g. devices without privileges).
     */
    public static List<String> unpack(BlobStore store, Image image, Path dir) throws StoreException {
        try {
            Files.createDirectories(dir);
            try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new StoreException("unpack " + image.descriptor().digest() + " into " + dir
                            + ": the directory is not empty");
                }
            }
        } catch (IOException e) {
            throw new StoreException("unpack " + image.descriptor().digest() + " into " + dir + ": " + e, e);
        }
        return applyLayers(store, image, dir);
    }

    /**
     * Applies the image's layers in turn onto {@code dir} (created when missing), whatever it holds
     * already, each layer's diff id verified; returns warnings as {@link #unpack} does.
     */
    public static List<String> applyLayers(BlobStore store, Image image, Path dir) throws StoreException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("unpack " + image.descriptor().digest() + " into " + dir + ": " + e, e);
        }
        List<String> warnings = new ArrayList<>();
        TarExtractor extractor = TarExtractor.of(TarExtractor.Mode.ROOTFS);
        for (int i = 0; i < image.manifest().layers().size(); i++) {
            warnings.addAll(apply(store, image.manifest().layers().get(i), image.diffIds().get(i), extractor, dir));
        }
        return warnings;
    }

    /** The (empty) layer dir of {@link #EMPTY_LAYER_DIFF_ID}, created when missing. */
    public static Path emptyLayerDir(BlobStore store) throws StoreException {
        if (store.hasLayerDir(EMPTY_LAYER_DIFF_ID)) {
            return store.layerDir(EMPTY_LAYER_DIFF_ID);
        }
        return store.commitLayerDir(store.createTempDirectory("empty"), EMPTY_LAYER_DIFF_ID);
    }

    /**
     * Mounts the image's layer dirs (unpacked when missing) read-only at {@code target}. A
     * single-layer image gets the empty layer dir under its layer, as the kernel wants two lower dirs.
     */
    public static OverlayMount mount(BlobStore store, Image image, Path target) throws StoreException {
        List<Path> lowers = new ArrayList<>(layerDirs(store, image));
        if (lowers.isEmpty()) {
            throw new StoreException("mount " + image.descriptor().digest() + ": the image has no layers");
        }
        java.util.Collections.reverse(lowers); // top first
        if (lowers.size() == 1) {
            lowers.add(emptyLayerDir(store));
        }
        return OverlayMount.mountReadOnly(lowers, target);
    }

}
