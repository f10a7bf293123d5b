package io.jbuild.builder;

import io.jbuild.dockerfile.DockerfileException;
import io.jbuild.dockerfile.PatternMatcher;
import io.jbuild.layerstore.Digest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Content digests of the files a COPY, ADD or bind mount selects: for each file its type, mode,
 * owner, size, content digest, symlink target and extended attributes, never its times, so that
 * {@code touch} keeps a key and any changed byte changes it.
 *
 * <p>For the build context a persistent index under the store's cache directory remembers each
 * regular file's (inode, size, mtime, ctime) and content digest, so an unchanged tree is verified
 * by {@code lstat} alone; only files whose metadata changed are read again. Entries for files
 * changed within the last {@value #RACY_MILLIS} ms are not trusted (a write in the same timestamp
 * tick would go unseen), as git treats its "racily clean" entries. Thread-safe.
 */
final class ContextHasher {
    static final long RACY_MILLIS = 1000;
    private static final String INDEX_MAGIC = "jbuild-context-index-2";
    private static final int MAX_LINKS = 40;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Path indexDir;
    private final Map<Path, Index> indexes = new HashMap<>();
    private long filesRead;

    private final long racyMillis;

    /** @param indexDir where the per-context indexes live (the store's {@code cache/context}) */
    ContextHasher(Path indexDir) {
        this(indexDir, RACY_MILLIS);
    }

    /** With another window of untrusted recent changes (tests use 0). */
    ContextHasher(Path indexDir, long racyMillis) {
        this.indexDir = Objects.requireNonNull(indexDir, "indexDir");
        this.racyMillis = racyMillis;
    }

    /**
     * The selection's digest and per-file entries.
     *
     * @param root the directory sources are relative to (the context, or a mounted root file system)
     * @param ignore the {@code .dockerignore} matcher (null: nothing ignored)
     * @param sources the sources as written (paths, Go wildcards; {@code /./} of {@code --parents} allowed)
     * @param indexed whether to use (and update) the persistent metadata index for {@code root}
     */
    synchronized Selection select(Path root, PatternMatcher ignore, List<String> sources, boolean indexed)
            throws IOException {
        Path real = root.toRealPath();
        Index index = indexed ? index(real) : null;
        SortedMap<String, String> files = new TreeMap<>();
        for (String source : sources) {
            String clean = clean(source.replace("/./", "/"));
            for (String match : expand(real, clean, ignore)) {
                addPath(real, match, ignore, index, files, MAX_LINKS);
            }
        }
        return Selection.of(files);
    }

    /** The number of files whose content was read (not answered from the index) so far. */
    synchronized long filesRead() {
        return filesRead;
    }

    /** Writes the indexes that changed (temporary file and rename). */
    synchronized void save() throws IOException {
        for (Map.Entry<Path, Index> e : indexes.entrySet()) {
            Index index = e.getValue();
            if (!index.dirty) {
                continue;
            }
            Files.createDirectories(indexDir);
            Path file = indexFile(e.getKey());
            Path tmp = Files.createTempFile(indexDir, ".index", ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                     DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                             java.nio.channels.Channels.newOutputStream(ch), 1 << 16))) {
                    out.writeUTF(INDEX_MAGIC);
                    out.writeUTF(e.getKey().toString());
                    out.writeInt(index.entries.size());
                    for (Map.Entry<String, IndexEntry> ie : index.entries.entrySet()) {
                        IndexEntry x = ie.getValue();
                        out.writeUTF(ie.getKey());
                        out.writeLong(x.inode);
                        out.writeLong(x.size);
                        out.writeLong(x.mtime);
                        out.writeLong(x.ctime);
                        out.write(x.sha256);
                        out.writeUTF(x.xattrs);
                    }
                    out.flush();
                    ch.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                index.dirty = false;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    // ------------------------------------------------------------------ selection

    /** The cleaned relative paths a source names: itself, or what its wildcards match (visible ones only). */
    private static List<String> expand(Path root, String clean, PatternMatcher ignore) throws IOException {
        if (clean.isEmpty()) {
            return List.of("");
        }
        if (!hasWildcards(clean)) {
            return List.of(clean);
        }
        List<String> current = List.of("");
        for (String segment : clean.split("/")) {
            List<String> next = new ArrayList<>();
            for (String dir : current) {
                if (!hasWildcards(segment)) {
                    String candidate = join(dir, unescape(segment));
                    if (Files.exists(root.resolve(candidate), NOFOLLOW) && !ignored(ignore, candidate)) {
                        next.add(candidate); // after a wildcard, a literal part that is not there matches nothing
                    }
                    continue;
                }
                Path d = dir.isEmpty() ? root : root.resolve(dir);
                if (!Files.isDirectory(d)) {
                    continue;
                }
                PatternMatcher m = segmentMatcher(segment);
                List<String> names = new ArrayList<>();
                try (DirectoryStream<Path> children = Files.newDirectoryStream(d)) {
                    for (Path child : children) {
                        String name = child.getFileName().toString();
                        String rel = join(dir, name);
                        if (m.matchesOrParentMatches(name) && !ignored(ignore, rel)) {
                            names.add(rel);
                        }
                    }
                }
                Collections.sort(names);
                next.addAll(names);
            }
            current = next;
        }
        return current;
    }

    private static PatternMatcher segmentMatcher(String segment) throws IOException {
        try {
            return PatternMatcher.of(List.of(segment.startsWith("!") ? "\\" + segment : segment));
        } catch (DockerfileException e) {
            throw new IOException("bad source pattern " + segment + ": " + e.getMessage(), e);
        }
    }

    /** Adds {@code rel} (a file, a link and what it points to, or a directory and its tree). */
    private void addPath(Path root, String rel, PatternMatcher ignore, Index index, SortedMap<String, String> files,
                         int followLink) throws IOException {
        if (!rel.isEmpty() && ignored(ignore, rel)) {
            if (ignore != null && ignore.hasExclusions() && Files.isDirectory(root.resolve(rel), NOFOLLOW)) {
                walkChildren(root, rel, ignore, index, files); // a later !pattern may re-include a child
            }
            return;
        }
        Path path = rel.isEmpty() ? root : root.resolve(rel);
        Map<String, Object> a;
        try {
            a = Files.readAttributes(path, "unix:mode,ino,size,lastModifiedTime,ctime,uid,gid", NOFOLLOW);
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            files.put(rel.isEmpty() ? "." : rel, "missing");
            return;
        } catch (java.nio.file.FileSystemException e) {
            // ENOTDIR: a parent is a file (Java reports it without a subclass)
            files.put(rel.isEmpty() ? "." : rel, "missing");
            return;
        }
        int mode = (Integer) a.get("mode");
        int type = mode & 0170000;
        String owner = " " + Integer.toOctalString(mode & 07777) + " " + a.get("uid") + ":" + a.get("gid");
        String name = rel.isEmpty() ? "." : rel;
        if (type == 0100000) {
            files.put(name, "f" + owner + " " + a.get("size") + " " + contentDigest(path, rel, a, index));
        } else if (type == 0040000) {
            if (!rel.isEmpty()) {
                files.put(name, "d" + owner + xattrs(path));
            }
            walkChildren(root, rel, ignore, index, files);
        } else if (type == 0120000) {
            String target = Files.readSymbolicLink(path).toString();
            files.put(name, "l" + owner + " -> " + target);
            if (followLink > 0) {
                // the copier follows a source that is a link, resolving it inside the root as in a chroot
                String parent = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
                String resolved = clean(target.startsWith("/") ? target : parent + "/" + target);
                SortedMap<String, String> pointed = new TreeMap<>();
                addPath(root, resolved, ignore, index, pointed, followLink - 1);
                for (Map.Entry<String, String> e : pointed.entrySet()) {
                    files.put(name + "//" + e.getKey(), e.getValue());
                }
            }
        } else {
            files.put(name, "o" + owner + " " + Integer.toOctalString(type));
        }
    }

    private void walkChildren(Path root, String rel, PatternMatcher ignore, Index index,
                              SortedMap<String, String> files) throws IOException {
        Path dir = rel.isEmpty() ? root : root.resolve(rel);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                names.add(child.getFileName().toString());
            }
        }
        Collections.sort(names);
        for (String n : names) {
            addPath(root, join(rel, n), ignore, index, files, 0);
        }
    }

    private static boolean ignored(PatternMatcher ignore, String rel) {
        return ignore != null && !ignore.isEmpty() && ignore.matchesOrParentMatches(rel);
    }

    // ------------------------------------------------------------------ content

    private String contentDigest(Path path, String rel, Map<String, Object> a, Index index) throws IOException {
        long inode = a.get("ino") instanceof Long l ? l : 0;
        long size = (Long) a.get("size");
        long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
        long ctime = ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
        if (index != null) {
            IndexEntry e = index.entries.get(rel);
            if (e != null && e.inode == inode && e.size == size && e.mtime == mtime && e.ctime == ctime) {
                return hex(e.sha256) + e.xattrs; // a changed xattr changes ctime
            }
        }
        String xattrs = xattrs(path);
        byte[] sha = sha256(path);
        filesRead++;
        if (index != null) {
            long settled = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - racyMillis);
            if (mtime <= settled && ctime <= settled) {
                index.entries.put(rel, new IndexEntry(inode, size, mtime, ctime, sha, xattrs));
                index.dirty = true;
            } else if (index.entries.remove(rel) != null) {
                index.dirty = true;
            }
        }
        return hex(sha) + xattrs;
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest md = newSha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return md.digest();
    }

    /** The user.* extended attributes, as {@code  x=<sha256>} (empty when there are none or none are supported). */
    private static String xattrs(Path path) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class,
                    NOFOLLOW);
            if (view == null) {
                return "";
            }
            List<String> names = new ArrayList<>(view.list());
            if (names.isEmpty()) {
                return "";
            }
            Collections.sort(names);
            MessageDigest md = newSha256();
            for (String n : names) {
                ByteBuffer value = ByteBuffer.allocate(view.size(n));
                view.read(n, value);
                value.flip();
                md.update(n.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(value);
                md.update((byte) 0);
            }
            return " x=" + hex(md.digest());
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------ index

    private Index index(Path root) {
        return indexes.computeIfAbsent(root, r -> load(r));
    }

    private Path indexFile(Path root) {
        return indexDir.resolve(hex(newSha256().digest(root.toString().getBytes(StandardCharsets.UTF_8))) + ".index");
    }

    private Index load(Path root) {
        Index index = new Index();
        Path file = indexFile(root);
        if (!Files.exists(file)) {
            return index;
        }
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (!in.readUTF().equals(INDEX_MAGIC) || !in.readUTF().equals(root.toString())) {
                return index;
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String rel = in.readUTF();
                long inode = in.readLong();
                long size = in.readLong();
                long mtime = in.readLong();
                long ctime = in.readLong();
                byte[] sha = new byte[32];
                in.readFully(sha);
                index.entries.put(rel, new IndexEntry(inode, size, mtime, ctime, sha, in.readUTF()));
            }
        } catch (EOFException | RuntimeException e) {
            index.entries.clear(); // a damaged index only costs a re-read
        } catch (IOException e) {
            index.entries.clear();
        }
        return index;
    }

    private static final class Index {
        final Map<String, IndexEntry> entries = new HashMap<>();
        boolean dirty;
    }

    private record IndexEntry(long inode, long size, long mtime, long ctime, byte[] sha256, String xattrs) {
    }

    // ------------------------------------------------------------------ paths

    /** A source as a clean relative path ({@code ""} for the root): {@code ..} stops at the root. */
    static String clean(String source) {
        List<String> parts = new ArrayList<>();
        for (String p : source.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
                continue;
            }
            parts.add(p);
        }
        return String.join("/", parts);
    }

    private static boolean hasWildcards(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    private static String unescape(String segment) {
        return segment.replace("\\", "");
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }

    /**
     * What a COPY, ADD or bind mount reads: one entry per path (sorted), and their digest.
     *
     * @param digest sha256 over the sorted (path, entry) pairs
     * @param files each path relative to the root with its entry: {@code f MODE UID:GID SIZE SHA256},
     *        {@code d MODE UID:GID}, {@code l MODE UID:GID -> TARGET}, extended attributes as {@code x=SHA256}
     */
    record Selection(Digest digest, SortedMap<String, String> files) {
        Selection {
            Objects.requireNonNull(digest, "digest");
            files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
        }

        static Selection of(SortedMap<String, String> files) {
            MessageDigest md = newSha256();
            for (Map.Entry<String, String> e : files.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return new Selection(Digest.sha256(hex(md.digest())), files);
        }
    }
}
