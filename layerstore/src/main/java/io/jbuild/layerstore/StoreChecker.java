package io.jbuild.layerstore;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks a store ({@code jbuild fsck}) and reports what it finds as data:
 * <ul>
 * <li>every blob under {@code blobs/<alg>/}: its content must hash to its file name;
 * <li>everything reachable from {@code index.json}: manifests, indexes, configs and layers
 *     present with the size their descriptor states, documents that parse, as many diff ids as
 *     layers (children of an index that were never pulled are only noted);
 * <li>every layer dir under {@code layers/}: compared with the record written when it was
 *     committed ({@link LayerDirRecord}, {@code layers/<hex>.files});
 * <li>{@code tmp/}: files of writers that died are removed and noted, they are no damage.
 * </ul>
 * Nothing is repaired except removing those temp files and records whose layer dir is gone.
 */
public final class StoreChecker {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    /** How bad a problem is. */
    public enum Severity {
        /** Content is wrong or missing: images may not be usable. */
        DAMAGE,
        /** Something unexpected that does no harm to images, or cannot be verified. */
        WARNING,
        /** Noted for the record; nothing is wrong. */
        INFO
    }

    /** The kinds of problem, each with its severity. */
    public enum Kind {
        CORRUPT_BLOB(Severity.DAMAGE),
        MISSING_BLOB(Severity.DAMAGE),
        SIZE_MISMATCH(Severity.DAMAGE),
        INVALID_DOCUMENT(Severity.DAMAGE),
        LAYER_DIR_CHANGED(Severity.DAMAGE),
        /** A layer blob whose uncompressed content is not the diff id its config states (deep check). */
        DIFF_ID_MISMATCH(Severity.DAMAGE),
        LAYER_DIR_UNRECORDED(Severity.WARNING),
        UNEXPECTED_FILE(Severity.WARNING),
        /** Referenced but not needed in the store: another platform of an index, or a foreign layer. */
        NOT_STORED(Severity.INFO),
        STALE_RECORD(Severity.INFO),
        STALE_TEMP(Severity.INFO);

        private final Severity severity;

        Kind(Severity severity) {
            this.severity = severity;
        }

        public Severity severity() {
            return severity;
        }
    }

    /** One finding: its kind, the path concerned and a message saying what is wrong and what to do. */
    public record Problem(Kind kind, Path path, String message) {
        public Problem {
            if (kind == null || path == null || message == null) {
                throw new IllegalArgumentException("problem needs kind, path and message");
            }
        }

        public boolean isDamage() {
            return kind.severity() == Severity.DAMAGE;
        }

        @Override
        public String toString() {
            return kind.severity().name().toLowerCase(java.util.Locale.ROOT) + ": " + kind.name().toLowerCase(
                    java.util.Locale.ROOT).replace('_', ' ') + ": " + path + ": " + message;
        }
    }

    private final BlobStore store;
    private final boolean deep;
    private final Set<List<Digest>> diffIdsChecked = new HashSet<>();
    private final List<Problem> problems = new ArrayList<>();
    /** Corrupt blobs, reported last with the images that use them. */
    private final Map<Digest, CorruptBlob> corrupt = new java.util.TreeMap<>();
    private final Set<Digest> visited = new HashSet<>();

    private StoreChecker(BlobStore store, boolean deep) {
        this.store = store;
        this.deep = deep;
    }

    /** Checks the store at {@code root}, which must exist; dead writers' temp files are reported and removed. */
    public static List<Problem> check(Path root) throws StoreException {
        return check(root, false);
    }

    /**
     * As {@link #check(Path)}; {@code deep} also decompresses every layer blob of every image and
     * compares it with the diff id its config states (reads every layer once more).
     */
    public static List<Problem> check(Path root, boolean deep) throws StoreException {
        if (!Files.isDirectory(root.resolve("blobs"))) {
            throw new StoreException("check store " + root + ": no store there (no blobs/ directory)");
        }
        List<Problem> missing = new ArrayList<>();
        for (String name : List.of("oci-layout", "index.json")) {
            Path file = root.resolve(name);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                missing.add(new Problem(Kind.INVALID_DOCUMENT, file, "missing" + (name.equals("index.json")
                        ? ": every tag is lost; an empty one was written, restore it from a backup if there is one"
                        : "; it was written again")));
            }
        }
        List<Problem> problems = new ArrayList<>(missing);
        problems.addAll(check(BlobStore.openWithoutCleaning(root), deep));
        return List.copyOf(problems);
    }

    /** Checks an open store (whose {@code tmp/} was already cleaned when it was opened). */
    public static List<Problem> check(BlobStore store) throws StoreException {
        return check(store, false);
    }

    /** As {@link #check(BlobStore)}, with the deep diff id check of {@link #check(Path, boolean)}. */
    public static List<Problem> check(BlobStore store, boolean deep) throws StoreException {
        StoreChecker checker = new StoreChecker(store, deep);
        checker.checkTmp();
        checker.checkLayout();
        checker.checkBlobs();
        checker.checkIndex();
        checker.checkLayerDirs();
        checker.reportCorrupt();
        return List.copyOf(checker.problems);
    }

    private void report(Kind kind, Path path, String message) {
        problems.add(new Problem(kind, path, message));
    }

    private record CorruptBlob(Path path, String message, Set<String> users) {
    }

    private void corrupt(Digest digest, Path path, String message) {
        corrupt.put(digest, new CorruptBlob(path, message, new java.util.LinkedHashSet<>()));
    }

    private void reportCorrupt() {
        for (CorruptBlob blob : corrupt.values()) {
            String users = blob.users().isEmpty() ? "" : "; used by " + String.join(", ", blob.users());
            report(Kind.CORRUPT_BLOB, blob.path(), blob.message() + users
                    + "; remove the file and pull, load or build the images using it again");
        }
    }

    private void checkTmp() throws StoreException {
        for (Path removed : store.cleanTmpEntries()) {
            report(Kind.STALE_TEMP, removed, "left by a writer that is no longer running; removed");
        }
    }

    private void checkLayout() {
        Path layout = store.root().resolve("oci-layout");
        try {
            Json.read(Files.readAllBytes(layout), OciLayoutHeader.class);
        } catch (IOException | InvalidDocumentException e) {
            report(Kind.INVALID_DOCUMENT, layout, "unreadable: " + e.getMessage()
                    + "; write {\"imageLayoutVersion\":\"1.0.0\"} into it");
        }
    }

    // ---------------------------------------------------------------- blobs

    private void checkBlobs() throws StoreException {
        Path blobs = store.root().resolve("blobs");
        for (Path algorithmDir : list(blobs)) {
            String algorithm = algorithmDir.getFileName().toString();
            if (!Files.isDirectory(algorithmDir, LinkOption.NOFOLLOW_LINKS)) {
                report(Kind.UNEXPECTED_FILE, algorithmDir, "not a digest algorithm directory");
                continue;
            }
            for (Path blob : list(algorithmDir)) {
                checkBlob(algorithm, blob);
            }
        }
    }

    private void checkBlob(String algorithm, Path blob) {
        Digest digest;
        try {
            digest = new Digest(algorithm, blob.getFileName().toString());
        } catch (IllegalArgumentException e) {
            report(Kind.UNEXPECTED_FILE, blob, "not named after a digest (" + e.getMessage() + ")");
            return;
        }
        if (!Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)) {
            report(Kind.UNEXPECTED_FILE, blob, "not a regular file");
            return;
        }
        if (!digest.isVerifiable()) {
            report(Kind.UNEXPECTED_FILE, blob, "digest algorithm " + algorithm + " cannot be verified here");
            return;
        }
        try (InputStream in = store.open(digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (DigestMismatchException e) {
            corrupt(digest, blob, "content has digest " + e.actual());
        } catch (IOException | StoreException e) {
            corrupt(digest, blob, "unreadable: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- index.json and what it reaches

    private void checkIndex() {
        Path indexFile = store.root().resolve("index.json");
        ImageIndex index;
        try {
            index = Json.read(Files.readAllBytes(indexFile), ImageIndex.class);
        } catch (IOException | InvalidDocumentException e) {
            report(Kind.INVALID_DOCUMENT, indexFile, "unreadable: " + e.getMessage()
                    + "; restore it from a backup or remove it to start with no tags");
            return;
        }
        for (Descriptor d : index.manifests()) {
            String name = d.annotations().get(BlobStore.REF_NAME);
            checkDescriptor(d, name == null ? "index.json (untagged " + d.digest() + ")" : "tag " + name, true);
        }
    }

    private void checkDescriptor(Descriptor d, String referrer, boolean required) {
        Path path = store.blobPath(d.digest());
        if (corrupt.containsKey(d.digest())) {
            corrupt.get(d.digest()).users().add(referrer);
            return;
        }
        if (!d.digest().isVerifiable() || !visited.add(d.digest())) {
            return;
        }
        if (!store.contains(d.digest())) {
            if (required && d.urls().isEmpty()) {
                report(Kind.MISSING_BLOB, path, d.mediaType() + " referenced by " + referrer
                        + " is missing; pull, load or build the image again");
            } else {
                report(Kind.NOT_STORED, path, d.mediaType() + " referenced by " + referrer
                        + " is not in the store (another platform, or a foreign layer)");
            }
            return;
        }
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            report(Kind.CORRUPT_BLOB, path, "unreadable: " + e);
            return;
        }
        if (size != d.size()) {
            report(Kind.SIZE_MISMATCH, path, referrer + " says " + d.size() + " bytes, the blob has " + size);
        }
        if (MediaType.isManifest(d.mediaType()) || MediaType.isIndex(d.mediaType())) {
            checkDocument(d, referrer);
        } else if (MediaType.OCI_CONFIG.equals(d.mediaType()) || MediaType.DOCKER_CONFIG.equals(d.mediaType())) {
            try {
                store.readDocument(d.digest(), ImageConfig.class);
            } catch (StoreException e) {
                report(Kind.INVALID_DOCUMENT, path, "config of " + referrer + ": " + e.getMessage());
            }
        }
    }

    private void checkDocument(Descriptor d, String referrer) {
        Path path = store.blobPath(d.digest());
        try {
            byte[] bytes = store.readAll(d.digest());
            JsonNode tree = Json.read(bytes, JsonNode.class);
            if (tree.has("manifests")) {
                for (Descriptor child : Json.read(bytes, ImageIndex.class).manifests()) {
                    checkDescriptor(child, "index " + d.digest() + " of " + referrer, false);
                }
                return;
            }
            Manifest manifest = Json.read(bytes, Manifest.class);
            String of = "manifest " + d.digest() + " of " + referrer;
            checkDescriptor(manifest.config(), of, true);
            for (Descriptor layer : manifest.layers()) {
                checkDescriptor(layer, of, true);
            }
            Digest config = manifest.config().digest();
            boolean isImageConfig = MediaType.OCI_CONFIG.equals(manifest.config().mediaType())
                    || MediaType.DOCKER_CONFIG.equals(manifest.config().mediaType());
            if (isImageConfig && store.contains(config) && !corrupt.containsKey(config)) {
                ImageConfig value = store.readDocument(config, ImageConfig.class).value();
                if (value.rootfs().diffIds().size() != manifest.layers().size()) {
                    report(Kind.INVALID_DOCUMENT, path, of + " has " + manifest.layers().size()
                            + " layers but its config " + value.rootfs().diffIds().size() + " diff ids");
                } else if (deep) {
                    for (int i = 0; i < manifest.layers().size(); i++) {
                        checkDiffId(manifest.layers().get(i), value.rootfs().diffIds().get(i), of);
                    }
                }
            }
        } catch (StoreException e) {
            report(Kind.INVALID_DOCUMENT, path, "document referenced by " + referrer + ": " + e.getMessage());
        }
    }

    private void checkDiffId(Descriptor layer, Digest diffId, String of) {
        Digest blob = layer.digest();
        if (!store.contains(blob) || corrupt.containsKey(blob) || !diffIdsChecked.add(List.of(blob, diffId))
                || !diffId.isVerifiable()) {
            return;
        }
        try (InputStream plain = Compressions.decompressed(store.open(blob))) {
            java.security.MessageDigest md = diffId.newMessageDigest();
            byte[] buffer = new byte[65536];
            for (int n = plain.read(buffer); n >= 0; n = plain.read(buffer)) {
                md.update(buffer, 0, n);
            }
            Digest actual = new Digest(diffId.algorithm(), java.util.HexFormat.of().formatHex(md.digest()));
            if (!actual.equals(diffId)) {
                report(Kind.DIFF_ID_MISMATCH, store.blobPath(blob), "uncompressed content is " + actual + ", "
                        + of + " says " + diffId + "; pull, load or build the image again");
            }
        } catch (IOException | StoreException e) {
            report(Kind.DIFF_ID_MISMATCH, store.blobPath(blob), "cannot be decompressed: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- layers/

    private void checkLayerDirs() throws StoreException {
        Path layers = store.root().resolve("layers");
        Set<String> dirs = new TreeSet<>();
        Set<String> records = new TreeSet<>();
        for (Path entry : list(layers)) {
            String name = entry.getFileName().toString();
            if (name.endsWith(".files") && HEX.matcher(name.substring(0, name.length() - 6)).matches()
                    && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                records.add(name.substring(0, name.length() - 6));
            } else if (name.length() == 64 && HEX.matcher(name).matches()
                    && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                dirs.add(name);
            } else {
                report(Kind.UNEXPECTED_FILE, entry, "neither a layer dir nor a layer dir record");
            }
        }
        for (String hex : dirs) {
            Digest diffId = Digest.sha256(hex);
            if (records.contains(hex)) {
                checkLayerDir(store.layerDir(diffId), store.layerDirRecord(diffId));
            } else {
                report(Kind.LAYER_DIR_UNRECORDED, store.layerDir(diffId), "has no record to check it against "
                        + "(committed by an older jbuild, or its writer died right after committing it); "
                        + "remove it to have it unpacked again from its blob");
            }
        }
        for (String hex : records) {
            if (!dirs.contains(hex)) {
                Path record = layers.resolve(hex + ".files");
                try {
                    Files.deleteIfExists(record);
                    report(Kind.STALE_RECORD, record, "record of a layer dir that is gone; removed");
                } catch (IOException e) {
                    report(Kind.STALE_RECORD, record, "record of a layer dir that is gone; cannot remove it: " + e);
                }
            }
        }
    }

    private void checkLayerDir(Path dir, Path recordFile) {
        byte[] record;
        try {
            record = Files.readAllBytes(recordFile);
        } catch (IOException e) {
            report(Kind.INVALID_DOCUMENT, recordFile, "unreadable layer dir record: " + e);
            return;
        }
        List<String> differences;
        try {
            differences = LayerDirRecord.differences(dir, record);
        } catch (IOException e) {
            report(Kind.LAYER_DIR_CHANGED, dir, "cannot be compared with its record: " + e.getMessage()
                    + "; remove the dir and its .files record to have it unpacked again from its blob");
            return;
        }
        if (!differences.isEmpty()) {
            String shown = String.join(", ", differences.subList(0, Math.min(3, differences.size())));
            report(Kind.LAYER_DIR_CHANGED, dir, differences.size() + " difference(s) from its record: " + shown
                    + (differences.size() > 3 ? ", ..." : "")
                    + "; remove the dir and its .files record to have it unpacked again from its blob");
        }
    }

    private static List<Path> list(Path dir) throws StoreException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (NoSuchFileException e) {
            return entries;
        } catch (IOException e) {
            throw new StoreException("check " + dir + ": " + e, e);
        }
        entries.sort(null);
        return entries;
    }
}
