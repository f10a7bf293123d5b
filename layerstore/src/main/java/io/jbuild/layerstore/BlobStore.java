package io.jbuild.layerstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content-addressed store on disk. Its root is an OCI image layout ({@code oci-layout},
 * {@code index.json}, {@code blobs/<alg>/<hex>}) with three more directories: {@code layers/}
 * (unpacked layer dirs), {@code cache/} and {@code tmp/}.
 *
 * <p>Contract: every write goes to a file in {@code tmp/} named after the writing process,
 * through a digesting stream, is fsynced and atomically renamed into place; an existing target
 * counts as success. Reads verify: {@link #open} throws {@link DigestMismatchException} at end of
 * stream when the bytes are wrong. Changes to {@code index.json} hold an exclusive lock on
 * {@code index.json.lock} (and a JVM-wide lock, since file locks are per process), so concurrent
 * taggers in any number of threads and processes never lose a tag. Files left in {@code tmp/} by
 * writers that died are removed by {@link #open(Path)} and {@link #cleanTmp()}.
 *
 * <p>Every process that opens the store holds a shared lock on {@code store.lock} until it exits;
 * {@link GarbageCollector} deletes blobs and layer dirs only when it can take that lock
 * exclusively, that is when no other process uses the store (see there).
 */
public final class BlobStore {
    /** The annotation that names a tag in {@code index.json}. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    private static final Pattern REF_NAME_GRAMMAR = Pattern.compile(
            "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*");
    private static final Pattern TMP_NAME = Pattern.compile("(\\d+)\\..*");
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    /** The shared "this process uses the store" lock of each store this JVM opened; never closed. */
    private static final Map<Path, FileLock> SESSION_LOCKS = new HashMap<>();
    private static final long PID = ProcessHandle.current().pid();

    private final Path root;
    private final Path blobs;
    private final Path layers;
    private final Path cache;
    private final Path tmp;
    private final Path indexFile;
    private final Path lockFile;
    private final Path sessionLockFile;

    private BlobStore(Path root) {
        this.root = root;
        this.blobs = root.resolve("blobs");
        this.layers = root.resolve("layers");
        this.cache = root.resolve("cache");
        this.tmp = root.resolve("tmp");
        this.indexFile = root.resolve("index.json");
        this.lockFile = root.resolve("index.json.lock");
        this.sessionLockFile = root.resolve("store.lock");
    }

    /** Opens (creating if needed) the store at {@code root} and removes dead writers' temp files. */
    public static BlobStore open(Path root) throws StoreException {
        return open(root, true);
    }

    /** Opens (creating if needed) the store, leaving {@code tmp/} as it is (for {@link StoreChecker}). */
    static BlobStore openWithoutCleaning(Path root) throws StoreException {
        return open(root, false);
    }

    /**
     * Opens (creating if needed) the store at {@code root}; {@code cleanTmp} false leaves dead
     * writers' temp files for {@link GarbageCollector} and {@link StoreChecker} to report and remove.
     */
    public static BlobStore open(Path root, boolean cleanTmp) throws StoreException {
        BlobStore store = new BlobStore(root.toAbsolutePath().normalize());
        try {
            for (Path dir : List.of(store.blobs.resolve(Digest.SHA256), store.layers, store.cache, store.tmp)) {
                Files.createDirectories(dir);
            }
            store.holdSessionLock();
            Path layout = root.resolve("oci-layout");
            if (!Files.exists(layout)) {
                store.writeFileAtomically(layout, Json.write(OciLayoutHeader.CURRENT));
            }
        } catch (IOException e) {
            throw new StoreException("open store " + root + ": " + e, e);
        }
        store.withIndexLock(() -> {
            if (!Files.exists(store.indexFile)) {
                store.writeFileAtomically(store.indexFile, Json.write(ImageIndex.of(List.of())));
            }
            return null;
        });
        if (cleanTmp) {
            store.cleanTmp();
        }
        return store;
    }

    public Path root() {
        return root;
    }

    /** The directory for temporary files and dirs ({@link #createTempDirectory} names them). */
    public Path tmpDir() {
        return tmp;
    }

    public Path cacheDir() {
        return cache;
    }

    /** Where a blob lives (whether or not it exists). */
    public Path blobPath(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.encoded());
    }

    public boolean contains(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    /** The size of a stored blob. */
    public long size(Digest digest) throws StoreException {
        try {
            return Files.size(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(digest);
        } catch (IOException e) {
            throw new StoreException("stat blob " + digest + ": " + e, e);
        }
    }

    // ---------------------------------------------------------------- writing

    public Descriptor write(String mediaType, byte[] bytes) throws StoreException {
        return write(Descriptor.of(mediaType, bytes), BlobSource.of(mediaType, bytes));
    }

    /** Stores a document's exact bytes. */
    public Descriptor write(String mediaType, Stored<?> document) throws StoreException {
        return write(mediaType, document.bytes());
    }

    /** Stores the stream's content (sha256), computing the descriptor. */
    public Descriptor write(String mediaType, InputStream in) throws StoreException {
        return write(mediaType, null, out -> in.transferTo(out));
    }

    /**
     * Stores content announced by {@code expected}; fails with {@link UnexpectedContentException}
     * when the size or digest differ. If the blob is already present the stream is not read.
     */
    public Descriptor write(Descriptor expected, InputStream in) throws StoreException {
        return write(expected.mediaType(), expected, out -> in.transferTo(out));
    }

    public Descriptor write(BlobSource source) throws StoreException {
        return write(source.mediaType(), null, source::writeTo);
    }

    private Descriptor write(Descriptor expected, BlobSource source) throws StoreException {
        return write(expected.mediaType(), expected, source::writeTo);
    }

    /** Produces content into an output stream. */
    @FunctionalInterface
    interface Producer {
        void writeTo(OutputStream out) throws IOException;
    }

    Descriptor write(String mediaType, Descriptor expected, Producer producer) throws StoreException {
        String algorithm = expected == null ? Digest.SHA256 : expected.digest().algorithm();
        if (expected != null) {
            if (!expected.digest().isVerifiable()) {
                throw new StoreException("write blob " + expected.digest() + ": unsupported digest algorithm");
            }
            if (contains(expected.digest())) {
                return expected;
            }
        }
        Path temp = null;
        try {
            temp = newTempPath("blob");
            Digest digest;
            long size;
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream raw = Channels.newOutputStream(ch);
                DigestingOutputStream out = new DigestingOutputStream(new java.io.BufferedOutputStream(raw, 65536), algorithm);
                producer.writeTo(out);
                out.flush();
                ch.force(true);
                digest = out.digest();
                size = out.count();
            }
            if (expected != null && (size != expected.size() || !digest.equals(expected.digest()))) {
                throw new UnexpectedContentException("write blob " + expected.digest() + ": expected "
                        + expected.size() + " bytes, got " + size + " bytes with digest " + digest,
                        new DigestMismatchException("digest mismatch", expected.digest(), digest));
            }
            Path target = blobPath(digest);
            if (!Files.exists(target)) {
                Files.createDirectories(target.getParent());
                moveAtomically(temp, target);
                Directories.fsyncDirectory(target.getParent());
            }
            return expected != null ? expected : Descriptor.of(mediaType, digest, size);
        } catch (IOException e) {
            throw new StoreException("write blob" + (expected == null ? "" : " " + expected.digest()) + ": " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // cleaned later as a dead writer's file is not possible (we are alive); leave it
                }
            }
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Opens a blob for reading. The stream throws {@link DigestMismatchException} when it reaches
     * the end and the bytes read do not hash to {@code digest}.
     */
    public InputStream open(Digest digest) throws StoreException {
        if (!digest.isVerifiable()) {
            throw new StoreException("open blob " + digest + ": unsupported digest algorithm");
        }
        try {
            return new VerifyingInputStream(Files.newInputStream(blobPath(digest)), digest, -1);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(digest);
        } catch (IOException e) {
            throw new StoreException("open blob " + digest + ": " + e, e);
        }
    }

    /** Reads a whole (small) blob, verified. */
    public byte[] readAll(Digest digest) throws StoreException {
        try (InputStream in = open(digest)) {
            return in.readAllBytes();
        } catch (DigestMismatchException e) {
            throw new StoreCorruptedException(e.getMessage(), e);
        } catch (IOException e) {
            throw new StoreException("read blob " + digest + ": " + e, e);
        }
    }

    /** Reads and parses a JSON blob, keeping its bytes. */
    public <T> Stored<T> readDocument(Digest digest, Class<T> type) throws StoreException {
        return Stored.parse(readAll(digest), type);
    }

    // ---------------------------------------------------------------- index.json

    /** All tagged descriptors, in {@code index.json} order (sorted by name). */
    public List<Descriptor> list() throws StoreException {
        return readIndex().manifests();
    }

    /** The descriptor tagged {@code name}, if any. */
    public Optional<Descriptor> resolve(String name) throws StoreException {
        return readIndex().manifests().stream().filter(d -> name.equals(d.annotations().get(REF_NAME))).findFirst();
    }

    /** Points {@code name} at {@code target}, replacing any previous descriptor of that name. */
    public void tag(String name, Descriptor target) throws StoreException {
        if (name == null || !REF_NAME_GRAMMAR.matcher(name).matches()) {
            throw new InvalidValueException("tag \"" + name + "\": not a valid org.opencontainers.image.ref.name");
        }
        withIndexLock(() -> {
            ImageIndex index = readIndex();
            List<Descriptor> manifests = new ArrayList<>();
            for (Descriptor d : index.manifests()) {
                String other = d.annotations().get(REF_NAME);
                boolean danglingSame = other == null && d.digest().equals(target.digest());
                if (!name.equals(other) && !danglingSame) {
                    manifests.add(d);
                }
            }
            Map<String, String> annotations = new HashMap<>(target.annotations());
            annotations.put(REF_NAME, name);
            manifests.add(target.withAnnotations(annotations));
            manifests.sort(Comparator.comparing((Descriptor d) -> d.annotations().getOrDefault(REF_NAME, ""))
                    .thenComparing(d -> d.digest().toString()));
            writeFileAtomically(indexFile, Json.write(index.withManifests(manifests)));
            return null;
        });
    }

    /**
     * Keeps {@code target} in {@code index.json} without a name (what Docker calls a dangling
     * image), so that it stays reachable; nothing changes when an entry already points at its
     * digest.
     */
    public void addUntagged(Descriptor target) throws StoreException {
        withIndexLock(() -> {
            ImageIndex index = readIndex();
            for (Descriptor d : index.manifests()) {
                if (d.digest().equals(target.digest())) {
                    return null;
                }
            }
            Map<String, String> annotations = new HashMap<>(target.annotations());
            annotations.remove(REF_NAME);
            List<Descriptor> manifests = new ArrayList<>(index.manifests());
            manifests.add(target.withAnnotations(annotations));
            manifests.sort(Comparator.comparing((Descriptor d) -> d.annotations().getOrDefault(REF_NAME, ""))
                    .thenComparing(d -> d.digest().toString()));
            writeFileAtomically(indexFile, Json.write(index.withManifests(manifests)));
            return null;
        });
    }

    /** Removes the tag {@code name}; returns whether it existed. The blobs stay (see garbage collection). */
    public boolean untag(String name) throws StoreException {
        return withIndexLock(() -> {
            ImageIndex index = readIndex();
            List<Descriptor> manifests = new ArrayList<>(index.manifests());
            boolean removed = manifests.removeIf(d -> name.equals(d.annotations().get(REF_NAME)));
            if (removed) {
                writeFileAtomically(indexFile, Json.write(index.withManifests(manifests)));
            }
            return removed;
        });
    }

    private ImageIndex readIndex() throws StoreException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(indexFile);
        } catch (NoSuchFileException e) {
            return ImageIndex.of(List.of());
        } catch (IOException e) {
            throw new StoreException("read " + indexFile + ": " + e, e);
        }
        try {
            return Json.read(bytes, ImageIndex.class);
        } catch (InvalidDocumentException e) {
            throw new StoreCorruptedException("read " + indexFile + ": " + e.getMessage()
                    + "; restore it from a backup or remove it to start with no tags", e);
        }
    }

    @FunctionalInterface
    interface LockedAction<T> {
        T run() throws IOException, StoreException;
    }

    @SuppressWarnings("try") // the lock is held for the body's duration, not referenced
    <T> T withIndexLock(LockedAction<T> action) throws StoreException {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return action.run();
        } catch (IOException e) {
            throw new StoreException("update " + indexFile + ": " + e, e);
        } finally {
            jvmLock.unlock();
        }
    }

    // ---------------------------------------------------------------- use by processes

    /** Takes this process's shared lock on {@code store.lock} (once per JVM and store; held until exit). */
    private void holdSessionLock() throws IOException {
        synchronized (SESSION_LOCKS) {
            if (SESSION_LOCKS.containsKey(sessionLockFile)) {
                return;
            }
            FileChannel ch = FileChannel.open(sessionLockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                SESSION_LOCKS.put(sessionLockFile, ch.lock(0, Long.MAX_VALUE, true));
            } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
                // no lock support (or held through another path to the same file): the collector
                // then cannot tell whether others use the store and deletes nothing but dead tmp files
                ch.close();
            }
        }
    }

    /** An action that learns whether this process has the store to itself. */
    @FunctionalInterface
    interface ExclusiveAction<T> {
        T run(boolean exclusive) throws IOException, StoreException;
    }

    /**
     * Runs {@code action} holding the index lock and, when no other process has the store open,
     * the exclusive lock on {@code store.lock} (processes that open the store meanwhile wait).
     * {@code exclusive} tells the action which case it is.
     */
    <T> T withExclusiveUse(ExclusiveAction<T> action) throws StoreException {
        return withIndexLock(() -> {
            synchronized (SESSION_LOCKS) {
                FileLock shared = SESSION_LOCKS.remove(sessionLockFile);
                FileChannel ch = shared != null ? shared.channel() : FileChannel.open(sessionLockFile,
                        StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                if (shared != null) {
                    shared.release();
                }
                FileLock exclusive = null;
                try {
                    try {
                        exclusive = ch.tryLock(0, Long.MAX_VALUE, false);
                    } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
                        exclusive = null;
                    }
                    return action.run(exclusive != null);
                } finally {
                    if (exclusive != null) {
                        exclusive.release();
                    }
                    try {
                        SESSION_LOCKS.put(sessionLockFile, ch.lock(0, Long.MAX_VALUE, true));
                    } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
                        ch.close();
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- layer dirs

    /** Where the unpacked layer with this diff id lives. */
    public Path layerDir(Digest diffId) {
        return layers.resolve(diffId.encoded());
    }

    public boolean hasLayerDir(Digest diffId) {
        return Files.isDirectory(layerDir(diffId));
    }

    /**
     * Where the record of a layer dir lives: {@code layers/<hex>.files}, beside the dir (see
     * {@link LayerDirRecord}; {@link StoreChecker} compares the dir against it).
     */
    public Path layerDirRecord(Digest diffId) {
        return layers.resolve(diffId.encoded() + ".files");
    }

    /**
     * Renames a fully written directory (under {@link #tmpDir()}) to {@code layers/<diffid>/},
     * then writes its record ({@link #layerDirRecord}). If another writer got there first,
     * {@code staged} is deleted and theirs is kept.
     */
    public Path commitLayerDir(Path staged, Digest diffId) throws StoreException {
        Path target = layerDir(diffId);
        try {
            if (!Files.exists(target)) {
                byte[] record = LayerDirRecord.of(staged);
                boolean moved = false;
                try {
                    moveAtomically(staged, target);
                    moved = true;
                } catch (IOException e) {
                    if (!Files.isDirectory(target)) {
                        throw e;
                    }
                    // lost the race to another writer: keep theirs
                }
                if (moved) {
                    Directories.fsyncDirectory(layers);
                    writeFileAtomically(layerDirRecord(diffId), record);
                    return target;
                }
            }
            Directories.deleteRecursively(staged);
            return target;
        } catch (IOException e) {
            throw new StoreException("commit layer dir " + diffId + ": " + e, e);
        }
    }

    // ---------------------------------------------------------------- tmp

    /** A fresh directory under {@code tmp/} owned by this process. */
    public Path createTempDirectory(String purpose) throws StoreException {
        try {
            Path dir = newTempPath(purpose);
            Files.createDirectory(dir);
            return dir;
        } catch (IOException e) {
            throw new StoreException("create temp dir in " + tmp + ": " + e, e);
        }
    }

    private Path newTempPath(String purpose) {
        return tmp.resolve(PID + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "." + purpose);
    }

    /** Removes temp files and dirs of writers that are no longer running; returns how many. */
    public int cleanTmp() throws StoreException {
        return cleanTmpEntries().size();
    }

    /** Removes temp files and dirs of writers that are no longer running; returns their paths. */
    List<Path> cleanTmpEntries() throws StoreException {
        List<Path> removed = new ArrayList<>();
        try {
            for (Path entry : deadTmpEntries()) {
                Directories.deleteRecursively(entry);
                removed.add(entry);
            }
        } catch (IOException e) {
            throw new StoreException("clean " + tmp + ": " + e, e);
        }
        return removed;
    }

    /** The entries of {@code tmp/} whose writer process is no longer running. */
    List<Path> deadTmpEntries() throws StoreException {
        List<Path> dead = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
            for (Path entry : entries) {
                Matcher m = TMP_NAME.matcher(entry.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                dead.add(entry);
            }
        } catch (NoSuchFileException e) {
            return dead;
        } catch (IOException e) {
            throw new StoreException("list " + tmp + ": " + e, e);
        }
        dead.sort(Comparator.naturalOrder());
        return dead;
    }

    /** A fresh path under {@code tmp/} owned by this process (nothing is created). */
    Path newTempPathFor(String purpose) {
        return newTempPath(purpose);
    }

    private void writeFileAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = newTempPath(target.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            moveAtomically(temp, target);
            Directories.fsyncDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("rename " + from + " to " + to + ": not atomic on this file system; "
                    + "tmp/ must be on the same file system as the store", e);
        }
    }
}
