package io.jbuild.layerstore;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes what no tag needs: blobs not reachable from {@code index.json} (through manifests,
 * indexes, configs, layers, subjects, and referrers whose subject is reachable), unpacked layer
 * dirs whose diff id no reachable image config lists, and the {@code tmp/} entries of writers
 * that died.
 *
 * <p>Concurrency: a pull or build writes blobs and layer dirs first and tags them last, so an
 * unreachable blob may be one that a running process is about to tag. Every process that opens
 * the store holds a shared lock on {@code store.lock} for its lifetime, and the collector runs
 * under the index lock and deletes blobs and layer dirs only when it can take {@code store.lock}
 * exclusively, i.e. when no other process has the store open; processes that open the store
 * meanwhile wait until it is done. When the store is in use the collector removes only dead
 * writers' tmp entries and says so ({@link Result#storeInUse()}). Time-based protection ("keep
 * blobs younger than N minutes") was rejected: a writer that finds a blob present does not write
 * it again, so an old unreachable blob can be the one a running pull is about to reference.
 * Layer dirs that an overlay mount in this mount namespace uses (as lower or upper dir) are
 * kept in any case.
 */
public final class GarbageCollector {
    /** JSON blobs up to this size are read to find referrers (a manifest is far smaller). */
    private static final long DOCUMENT_MAX = 4L << 20;

    /**
     * @param all also remove the layer dirs of tagged images (they are unpacked again from their
     *     blobs when needed), except those mounted
     * @param dryRun only report what would be removed
     * @param keep more roots: blobs (and the layer dirs of diff ids) kept although no tag reaches
     *     them, e.g. the layers of the build step cache
     */
    public record Options(boolean all, boolean dryRun, java.util.Set<Digest> keep) {
        public Options {
            keep = keep == null ? java.util.Set.of() : java.util.Set.copyOf(keep);
        }

        public Options(boolean all, boolean dryRun) {
            this(all, dryRun, java.util.Set.of());
        }
    }

    /** What was (or would be) removed. */
    public enum Kind {
        BLOB, LAYER_DIR, TMP
    }

    /**
     * One removed item.
     *
     * @param name a blob's digest, a layer dir's diff id, or a tmp entry's file name
     * @param size bytes of regular file content (hardlinks counted once)
     */
    public record Removal(Kind kind, String name, long size) {
        public Removal {
            if (kind == null || name == null || size < 0) {
                throw new IllegalArgumentException("removal needs a kind, a name and a size");
            }
        }
    }

    /**
     * @param removals in the order blobs, layer dirs, tmp entries
     * @param storeInUse another process had the store open: only dead tmp entries were considered
     * @param keptMounted layer dirs kept because an overlay mount uses them
     */
    public record Result(List<Removal> removals, boolean storeInUse, List<Digest> keptMounted) {
        public Result {
            removals = List.copyOf(removals);
            keptMounted = List.copyOf(keptMounted);
        }

        public long reclaimed() {
            return removals.stream().mapToLong(Removal::size).sum();
        }
    }

    private final BlobStore store;
    private final Options options;

    public GarbageCollector(BlobStore store, Options options) {
        this.store = store;
        this.options = options;
    }

    /** Collects (see the class comment); never deletes anything a tag reaches. */
    public Result collect() throws StoreException {
        return store.withExclusiveUse(exclusive -> {
            List<Removal> removals = new ArrayList<>();
            List<Digest> keptMounted = new ArrayList<>();
            if (exclusive) {
                Set<Digest> reachable = new HashSet<>();
                Set<String> diffIds = new HashSet<>();
                mark(reachable, diffIds);
                for (Digest d : options.keep()) {
                    reachable.add(d);
                    diffIds.add(d.encoded());
                }
                sweepBlobs(reachable, removals);
                sweepLayerDirs(diffIds, removals, keptMounted);
            }
            for (Path entry : store.deadTmpEntries()) {
                removals.add(new Removal(Kind.TMP, entry.getFileName().toString(), sizeOf(entry)));
                if (!options.dryRun()) {
                    Directories.deleteRecursively(entry);
                }
            }
            return new Result(removals, !exclusive, keptMounted);
        });
    }

    // ---------------------------------------------------------------- mark

    private void mark(Set<Digest> reachable, Set<String> diffIds) throws StoreException, IOException {
        Deque<Digest> pending = new ArrayDeque<>();
        Map<Digest, String> mediaTypes = new java.util.HashMap<>();
        for (Descriptor d : store.list()) {
            pending.add(d.digest());
            mediaTypes.put(d.digest(), d.mediaType());
        }
        walk(pending, mediaTypes, reachable, diffIds);
        // referrers (signatures, attestations) stored untagged next to a reachable subject
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Path blob : blobFiles()) {
                Digest digest = digestOf(blob);
                if (digest == null || reachable.contains(digest)) {
                    continue;
                }
                JsonNode doc = readDocument(blob, digest);
                if (doc == null) {
                    continue;
                }
                Digest subject = descriptorDigest(doc.get("subject"));
                if (subject != null && reachable.contains(subject)) {
                    pending.add(digest);
                    walk(pending, mediaTypes, reachable, diffIds);
                    grew = true;
                }
            }
        }
    }

    private void walk(Deque<Digest> pending, Map<Digest, String> mediaTypes, Set<Digest> reachable, Set<String> diffIds)
            throws StoreException, IOException {
        while (!pending.isEmpty()) {
            Digest digest = pending.poll();
            if (!reachable.add(digest) || !store.contains(digest)) {
                continue; // seen, or a child the store does not hold (e.g. another platform's manifest)
            }
            JsonNode doc = readDocument(store.blobPath(digest), digest);
            if (doc == null) {
                continue; // a layer or another non-JSON blob
            }
            String mediaType = mediaTypes.getOrDefault(digest, doc.path("mediaType").asText(""));
            if (MediaType.OCI_CONFIG.equals(mediaType) || MediaType.DOCKER_CONFIG.equals(mediaType)
                    || doc.path("rootfs").has("diff_ids")) {
                for (JsonNode id : doc.path("rootfs").path("diff_ids")) {
                    try {
                        diffIds.add(Digest.fromString(id.asText()).encoded());
                    } catch (IllegalArgumentException e) {
                        // not a digest: nothing to keep for it
                    }
                }
                continue;
            }
            List<JsonNode> children = new ArrayList<>();
            children.add(doc.get("config"));
            children.add(doc.get("subject"));
            for (String array : List.of("layers", "manifests", "blobs")) {
                doc.path(array).forEach(children::add);
            }
            for (JsonNode child : children) {
                Digest d = descriptorDigest(child);
                if (d != null) {
                    pending.add(d);
                    if (child.hasNonNull("mediaType")) {
                        mediaTypes.putIfAbsent(d, child.get("mediaType").asText());
                    }
                }
            }
        }
    }

    private static Digest descriptorDigest(JsonNode descriptor) {
        if (descriptor == null || !descriptor.isObject() || !descriptor.hasNonNull("digest")) {
            return null;
        }
        try {
            return Digest.fromString(descriptor.get("digest").asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The blob parsed as a JSON object when it is a small JSON document, else null. Verified. */
    private JsonNode readDocument(Path blob, Digest digest) throws StoreException {
        try {
            if (Files.size(blob) > DOCUMENT_MAX) {
                return null;
            }
            try (InputStream in = Files.newInputStream(blob)) {
                int first = in.read();
                if (first != '{') {
                    return null;
                }
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new StoreException("read blob " + digest + ": " + e, e);
        }
        byte[] bytes = store.readAll(digest);
        try {
            JsonNode node = Json.read(bytes, JsonNode.class);
            return node != null && node.isObject() ? node : null;
        } catch (InvalidDocumentException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- sweep

    private List<Path> blobFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        Path blobs = store.root().resolve("blobs");
        if (!Files.isDirectory(blobs)) {
            return files;
        }
        try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(blobs)) {
            for (Path alg : algorithms) {
                if (!Files.isDirectory(alg, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(alg)) {
                    entries.forEach(files::add);
                }
            }
        }
        files.sort(null);
        return files;
    }

    /** The digest a blob file's path names, or null for a stray file. */
    private static Digest digestOf(Path blob) {
        try {
            return new Digest(blob.getParent().getFileName().toString(), blob.getFileName().toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void sweepBlobs(Set<Digest> reachable, List<Removal> removals) throws IOException {
        for (Path blob : blobFiles()) {
            Digest digest = digestOf(blob);
            if (digest == null || reachable.contains(digest) || !Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)) {
                continue; // reachable, or not something the store writes (left to fsck)
            }
            removals.add(new Removal(Kind.BLOB, digest.toString(), Files.size(blob)));
            if (!options.dryRun()) {
                Files.deleteIfExists(blob);
            }
        }
    }

    private void sweepLayerDirs(Set<String> diffIds, List<Removal> removals, List<Digest> keptMounted)
            throws IOException, StoreException {
        Path layers = store.root().resolve("layers");
        if (!Files.isDirectory(layers)) {
            return;
        }
        Set<Path> mounted = OverlayMount.mountedLayerDirs();
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layers)) {
            entries.forEach(dirs::add);
        }
        dirs.sort(null);
        for (Path dir : dirs) {
            String hex = dir.getFileName().toString();
            if (!options.all() && diffIds.contains(hex)) {
                continue;
            }
            Digest diffId;
            try {
                diffId = Digest.sha256(hex);
            } catch (IllegalArgumentException e) {
                continue; // not a layer dir the store made
            }
            if (mounted.contains(dir) || mounted.contains(dir.toRealPath())) {
                keptMounted.add(diffId);
                continue;
            }
            removals.add(new Removal(Kind.LAYER_DIR, diffId.toString(), sizeOf(dir)));
            if (!options.dryRun()) {
                // out of layers/ in one rename, so no reader sees half a layer, then deleted
                Path doomed = store.newTempPathFor("prune");
                Files.move(dir, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                Files.deleteIfExists(store.layerDirRecord(diffId)); // its fsck record (layers/<hex>.files)
                Directories.deleteRecursively(doomed);
            }
        }
    }

    /** Bytes of regular file content under {@code path}, each inode once. */
    private static long sizeOf(Path path) throws IOException {
        long[] total = {0};
        Set<Object> inodes = new HashSet<>();
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && (attrs.fileKey() == null || inodes.add(attrs.fileKey()))) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }
}
