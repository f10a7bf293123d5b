package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a layer tar to a directory, either as an overlay lower dir (OCI whiteouts become
 * 0/0 character devices, opaque markers the {@code trusted.overlay.opaque=y} xattr) or onto a
 * flattened root file system (whiteouts delete what lower layers put there).
 *
 * <p>Every entry is resolved inside the root: symlinks in the parent path are followed, an
 * absolute target counts from the root, and a path that would leave the root is rejected, as are
 * names that are absolute or contain {@code ..}, and hardlinks whose target resolves outside.
 * Errors name the entry ({@link UnsafeEntryException}); nothing is written outside the root.
 * Anything that cannot be restored faithfully without privileges (ownership, devices, trusted or
 * security xattrs) is reported as a warning instead.
 */
public final class TarExtractor {
    /** Target format. */
    public enum Mode {
        /** An overlayfs lower dir: whiteouts as 0/0 char devices, opaque dirs as xattrs. */
        OVERLAY,
        /** A flattened root file system: whiteouts delete lower content. */
        ROOTFS
    }

    private static final int MAX_SYMLINKS = 40;
    private static final String XATTR_PREFIX = "SCHILY.xattr.";

    private final Mode mode;
    private final boolean chown;

    /** @param chown restore uid/gid (needs root; off for rootless extraction) */
    public TarExtractor(Mode mode, boolean chown) {
        this.mode = mode;
        this.chown = chown;
    }

    /** Extracts as root would: ownership restored when the process is root. */
    public static TarExtractor of(Mode mode) {
        return new TarExtractor(mode, isRoot());
    }

    /**
     * Extracts a tar, plain or compressed with gzip or zstd (detected by its magic bytes), into {@code root}.
     * Returns warnings (things that could not be restored), never null.
     */
    public List<String> extract(InputStream layer, Path root) throws StoreException {
        Path realRoot;
        try {
            Files.createDirectories(root);
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new StoreException("extract layer into " + root + ": " + e, e);
        }
        State state = new State(realRoot);
        TarArchiveEntry entry = null;
        // the decoder is closed here (zstd's holds native memory), the caller's stream is not
        InputStream unclosed = new java.io.FilterInputStream(layer) {
            @Override
            public void close() {
            }
        };
        try (InputStream in = Compressions.decompressed(unclosed)) {
            PaxTap tap = new PaxTap(in);
            TarArchiveInputStream tar = new TarArchiveInputStream(tap, StandardCharsets.UTF_8.name());
            while ((entry = tar.getNextEntry()) != null) {
                state.rawPax = tap.records();
                apply(state, entry, tar);
            }
            state.finish();
        } catch (IOException e) {
            String what = entry == null ? "layer" : "entry \"" + entry.getName() + "\"";
            throw new StoreException("extract " + what + " into " + root + ": " + e, e);
        }
        return state.warnings;
    }

    /** Mutable per-extraction state. */
    private static final class State {
        final Path root;
        final Set<Path> created = new HashSet<>();
        final List<String> warnings = new ArrayList<>();
        final List<Map.Entry<Path, FileTime>> dirTimes = new ArrayList<>();
        Map<String, byte[]> rawPax = Map.of();

        State(Path root) {
            this.root = root;
        }

        void finish() throws IOException {
            // directory mtimes last (writing children changes them), deepest first
            for (int i = dirTimes.size() - 1; i >= 0; i--) {
                Map.Entry<Path, FileTime> e = dirTimes.get(i);
                setTimes(e.getKey(), e.getValue());
            }
        }
    }

    private void apply(State s, TarArchiveEntry entry, InputStream data) throws IOException, StoreException {
        String name = entry.getName();
        List<String> components = components(name, name);
        if (components.isEmpty()) {
            return; // the root itself ("./")
        }
        String base = components.get(components.size() - 1);
        Path parent = resolve(s, name, components.subList(0, components.size() - 1));
        if (Whiteouts.isWhiteout(base)) {
            applyWhiteout(s, name, parent, base);
            return;
        }
        mkdirs(s, name, parent);
        Path target = parent.resolve(base);
        checkInside(s, name, target);

        if (entry.isDirectory()) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                removeExisting(target);
                Files.createDirectory(target);
            }
        } else if (entry.isLink()) {
            Path source = resolveLinkTarget(s, name, entry.getLinkName());
            if (!source.equals(target)) {
                removeExisting(target);
                Files.createLink(target, source);
            }
            s.created.add(target);
            return; // a hardlink shares the metadata of its target
        } else {
            removeExisting(target);
            if (entry.isSymbolicLink()) {
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            } else if (entry.isFIFO()) {
                mknod(target, 0010000 | (entry.getMode() & 07777), 0);
            } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
                int type = entry.isCharacterDevice() ? 0020000 : 0060000;
                long major = entry.getDevMajor();
                long minor = entry.getDevMinor();
                long dev = ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
                try {
                    mknod(target, type | (entry.getMode() & 07777), dev);
                } catch (IOException e) {
                    s.warnings.add("skip device \"" + name + "\": " + e.getMessage());
                    return;
                }
            } else if (entry.isFile()) {
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    data.transferTo(out);
                }
            } else {
                throw new UnsafeEntryException(name, "unsupported tar entry type");
            }
        }
        s.created.add(target);
        applyMetadata(s, entry, target);
    }

    private void applyMetadata(State s, TarArchiveEntry entry, Path target) throws IOException {
        boolean symlink = entry.isSymbolicLink();
        // through libc: the JDK opens the file to chmod it, which blocks on a FIFO
        try {
            if (chown) {
                Libc.INSTANCE.lchown(target.toString(), (int) entry.getLongUserId(), (int) entry.getLongGroupId());
            }
            if (!symlink) {
                Libc.INSTANCE.chmod(target.toString(), entry.getMode() & 07777);
            }
        } catch (com.sun.jna.LastErrorException e) {
            throw new IOException("set owner and mode of " + target + ": errno " + e.getErrorCode(), e);
        }
        for (Map.Entry<String, String> h : entry.getExtraPaxHeaders().entrySet()) {
            if (!h.getKey().startsWith(XATTR_PREFIX)) {
                continue;
            }
            String xattr = h.getKey().substring(XATTR_PREFIX.length());
            byte[] value = s.rawPax.get(h.getKey());
            if (value == null) {
                value = h.getValue().getBytes(StandardCharsets.UTF_8);
            }
            if (mode == Mode.OVERLAY && Whiteouts.isOverlayXattr(xattr)) {
                s.warnings.add("skip xattr " + xattr + " of \"" + entry.getName() + "\": reserved for overlayfs");
                continue;
            }
            try {
                Xattrs.set(target, xattr, value);
            } catch (IOException | RuntimeException e) {
                s.warnings.add("skip xattr " + xattr + " of \"" + entry.getName() + "\": " + e.getMessage());
            }
        }
        FileTime mtime = FileTime.from(entry.getModTime().toInstant());
        if (entry.isDirectory()) {
            s.dirTimes.add(Map.entry(target, mtime));
        } else {
            setTimes(target, mtime);
        }
    }

    private void applyWhiteout(State s, String name, Path parent, String base) throws IOException, StoreException {
        boolean opaque = Whiteouts.isOpaqueMarker(base);
        String deleted = opaque ? null : Whiteouts.deletedName(base).orElse(null);
        if (!opaque && deleted == null) {
            if (base.startsWith(Whiteouts.META_PREFIX)) {
                return; // other reserved metadata (e.g. aufs .wh..wh.plnk): ignore
            }
            throw new UnsafeEntryException(name, "invalid whiteout name");
        }
        if (mode == Mode.OVERLAY) {
            mkdirs(s, name, parent);
            if (opaque) {
                Whiteouts.markOverlayOpaque(parent);
            } else {
                Path target = parent.resolve(deleted);
                checkInside(s, name, target);
                removeExisting(target);
                Whiteouts.createOverlayWhiteout(target);
                s.created.add(target);
            }
            return;
        }
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            return; // nothing below to hide
        }
        if (opaque) {
            clearLowerContent(s, parent);
        } else {
            Path target = parent.resolve(deleted);
            checkInside(s, name, target);
            if (!s.created.contains(target)) {
                Directories.deleteRecursively(target);
            }
        }
    }

    /** Deletes everything in {@code dir} that this layer did not create. */
    private static void clearLowerContent(State s, Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(children::add);
        }
        for (Path child : children) {
            if (!s.created.contains(child)) {
                Directories.deleteRecursively(child);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                clearLowerContent(s, child);
            }
        }
    }

    /** Splits an entry name into components; rejects absolute names and {@code ..}. */
    private static List<String> components(String entryName, String path) throws UnsafeEntryException {
        if (path.startsWith("/")) {
            throw new UnsafeEntryException(entryName, "absolute path");
        }
        if (path.indexOf('\0') >= 0) {
            throw new UnsafeEntryException(entryName, "NUL in path");
        }
        List<String> result = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new UnsafeEntryException(entryName, "path contains \"..\"");
            }
            result.add(c);
        }
        return result;
    }

    /**
     * Resolves directory components inside the root, following symlinks (absolute targets count
     * from the root). Throws when a symlink leads outside the root.
     */
    private static Path resolve(State s, String entryName, List<String> components) throws IOException, StoreException {
        Deque<String> pending = new ArrayDeque<>(components);
        Deque<String> resolved = new ArrayDeque<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String c = pending.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (resolved.isEmpty()) {
                    throw new UnsafeEntryException(entryName, "a symlink in its path leads outside the root");
                }
                resolved.pollLast();
                continue;
            }
            Path candidate = join(s.root, resolved).resolve(c);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_SYMLINKS) {
                    throw new UnsafeEntryException(entryName, "too many levels of symbolic links");
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    pending.addFirst(parts[i]);
                }
                continue;
            }
            resolved.addLast(c);
        }
        Path result = join(s.root, resolved);
        checkInside(s, entryName, result);
        return result;
    }

    private Path resolveLinkTarget(State s, String entryName, String linkName) throws IOException, StoreException {
        if (linkName.startsWith("/")) {
            throw new UnsafeEntryException(entryName, "hardlink target \"" + linkName + "\" is absolute");
        }
        List<String> c;
        try {
            c = components(entryName, linkName);
        } catch (UnsafeEntryException e) {
            throw new UnsafeEntryException(entryName, "hardlink target \"" + linkName + "\" contains \"..\"");
        }
        if (c.isEmpty()) {
            throw new UnsafeEntryException(entryName, "hardlink to the root");
        }
        Path parent = resolve(s, entryName, c.subList(0, c.size() - 1));
        Path target = parent.resolve(c.get(c.size() - 1));
        checkInside(s, entryName, target);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeEntryException(entryName, "hardlink target \"" + linkName + "\" does not exist");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeEntryException(entryName, "hardlink target \"" + linkName + "\" is a directory");
        }
        return target;
    }

    private static Path join(Path root, Deque<String> parts) {
        Path p = root;
        for (String part : parts) {
            p = p.resolve(part);
        }
        return p;
    }

    private static void checkInside(State s, String entryName, Path p) throws UnsafeEntryException {
        if (!p.normalize().startsWith(s.root)) {
            throw new UnsafeEntryException(entryName, "resolves outside the root");
        }
    }

    /** Creates missing directories of an already resolved (symlink-free) path. */
    private static void mkdirs(State s, String entryName, Path dir) throws IOException, StoreException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path rel = s.root.relativize(dir);
        Path p = s.root;
        for (Path part : rel) {
            p = p.resolve(part);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException e) {
                Files.createDirectory(p);
                s.created.add(p);
                continue;
            }
            if (!a.isDirectory()) {
                throw new UnsafeEntryException(entryName, "parent " + s.root.relativize(p) + " is not a directory");
            }
        }
    }

    private static void removeExisting(Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Directories.deleteRecursively(target);
        }
    }

    private static void mknod(Path target, int mode, long dev) throws IOException {
        try {
            Libc.INSTANCE.mknod(target.toString(), mode, dev);
        } catch (com.sun.jna.LastErrorException e) {
            throw new IOException("mknod " + target + ": errno " + e.getErrorCode(), e);
        }
    }

    /** Sets atime and mtime without following symlinks or opening the file (FIFOs would block). */
    private static void setTimes(Path target, FileTime time) throws IOException {
        java.time.Instant i = time.toInstant();
        long[] times = {i.getEpochSecond(), i.getNano(), i.getEpochSecond(), i.getNano()};
        try {
            Libc.INSTANCE.utimensat(Libc.AT_FDCWD, target.toString(), times, Libc.AT_SYMLINK_NOFOLLOW);
        } catch (com.sun.jna.LastErrorException e) {
            throw new IOException("set times of " + target + ": errno " + e.getErrorCode(), e);
        }
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
