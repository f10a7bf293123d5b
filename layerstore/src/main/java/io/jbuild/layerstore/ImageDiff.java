package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The differences between two images' flattened file systems, as {@code docker diff} prints
 * them: {@code A} added, {@code C} changed, {@code D} deleted, paths absolute and sorted with a
 * directory before its content. Computed from the layer tars alone (entries and whiteouts applied
 * in order, symlinked parent directories followed as an extractor does, nothing extracted). A file changes when its type, permission bits, owner, size,
 * link target, device numbers, xattrs or content (sha256) differ; mtimes do not count. As in
 * Docker, a directory that holds a change is itself reported changed, a deleted directory is
 * one {@code D} line, an added one lists its content, and a directory replaced by a file (or
 * back) is a {@code C} with its old content deleted (or its new content added).
 */
public final class ImageDiff {
    private ImageDiff() {
    }

    /** Kinds of change, with Docker's letters. */
    public enum Kind {
        ADDED("A"), CHANGED("C"), DELETED("D");

        private final String letter;

        Kind(String letter) {
            this.letter = letter;
        }

        public String letter() {
            return letter;
        }
    }

    /** One changed path, absolute ({@code /etc/passwd}). */
    public record Change(Kind kind, String path) {
        public Change {
            if (kind == null || path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("change needs a kind and an absolute path");
            }
        }

        /** {@code docker diff}'s line: {@code C /etc}. */
        @Override
        public String toString() {
            return kind.letter() + " " + path;
        }
    }

    /** What identifies a file's content and metadata (no mtime). */
    record Node(char type, int mode, long uid, long gid, long size, String link, String digest, long devMajor,
            long devMinor, Map<String, String> xattrs) {
        boolean isDirectory() {
            return type == 'd';
        }
    }

    /** The changes from {@code from} to {@code to}. */
    public static List<Change> compare(BlobStore store, StoredImages.Image from, StoredImages.Image to)
            throws StoreException {
        return compare(flatten(store, from), flatten(store, to));
    }

    /** The flattened tree of an image: relative paths ({@code etc/passwd}) to nodes. */
    static NavigableMap<String, Node> flatten(BlobStore store, StoredImages.Image image) throws StoreException {
        NavigableMap<String, Node> tree = new TreeMap<>();
        for (Descriptor layer : image.manifest().layers()) {
            try (InputStream in = Compressions.decompressed(store.open(layer.digest()))) {
                apply(tree, in);
            } catch (IOException e) {
                throw new StoreException("read layer " + layer.digest() + ": " + e, e);
            }
        }
        return tree;
    }

    /** Applies one layer tar to the tree; whiteouts hide only what lower layers put there. */
    static void apply(NavigableMap<String, Node> tree, InputStream tarStream) throws IOException {
        Set<String> created = new HashSet<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, StandardCharsets.UTF_8.name());
        TarArchiveEntry entry;
        byte[] buffer = new byte[65536];
        while ((entry = tar.getNextEntry()) != null) {
            String path = normalise(entry.getName());
            if (path == null) {
                continue; // the root
            }
            int slash = path.lastIndexOf('/');
            String parent = resolveParent(tree, slash < 0 ? "" : path.substring(0, slash));
            String base = path.substring(slash + 1);
            path = parent.isEmpty() ? base : parent + "/" + base;
            if (Whiteouts.isOpaqueMarker(base)) {
                for (String child : new ArrayList<>(descendants(tree, parent).keySet())) {
                    if (!created.contains(child)) {
                        tree.remove(child);
                    }
                }
                continue;
            }
            if (Whiteouts.isWhiteout(base)) {
                String deleted = Whiteouts.deletedName(base).orElse(null);
                if (deleted != null) {
                    String target = parent.isEmpty() ? deleted : parent + "/" + deleted;
                    if (!created.contains(target)) {
                        tree.remove(target);
                        descendants(tree, target).clear();
                    }
                }
                continue;
            }
            addParents(tree, created, parent);
            Node node;
            if (entry.isLink()) {
                String target = normalise(entry.getLinkName());
                node = target == null ? null : tree.get(target);
                if (node == null) {
                    node = new Node('-', 0644, 0, 0, 0, null, sha256(new byte[0]), 0, 0, Map.of());
                }
            } else {
                node = node(entry, tar, buffer);
            }
            Node old = tree.get(path);
            if (old != null && old.isDirectory() && !node.isDirectory()) {
                descendants(tree, path).clear();
            }
            tree.put(path, node);
            created.add(path);
        }
    }

    private static Node node(TarArchiveEntry e, InputStream data, byte[] buffer) throws IOException {
        char type;
        String link = null;
        String digest = null;
        if (e.isDirectory()) {
            type = 'd';
        } else if (e.isSymbolicLink()) {
            type = 'l';
            link = e.getLinkName();
        } else if (e.isFIFO()) {
            type = 'p';
        } else if (e.isCharacterDevice()) {
            type = 'c';
        } else if (e.isBlockDevice()) {
            type = 'b';
        } else {
            type = '-';
            MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
            int n;
            while ((n = data.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
            digest = java.util.HexFormat.of().formatHex(md.digest());
        }
        Map<String, String> xattrs = new TreeMap<>();
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            if (h.getKey().startsWith("SCHILY.xattr.")) {
                xattrs.put(h.getKey().substring("SCHILY.xattr.".length()), h.getValue());
            }
        }
        boolean device = type == 'c' || type == 'b';
        return new Node(type, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(),
                type == '-' ? e.getSize() : 0, link, digest, device ? e.getDevMajor() : 0,
                device ? e.getDevMinor() : 0, Map.copyOf(xattrs));
    }

    private static String sha256(byte[] bytes) {
        return Digest.of(bytes).encoded();
    }

    /** Parent directories a tar left implicit, as a tar extractor creates them. */
    private static void addParents(NavigableMap<String, Node> tree, Set<String> created, String dir) {
        if (dir.isEmpty()) {
            return;
        }
        Node existing = tree.get(dir);
        if (existing != null && existing.isDirectory()) {
            return;
        }
        int slash = dir.lastIndexOf('/');
        addParents(tree, created, slash < 0 ? "" : dir.substring(0, slash));
        if (existing != null) {
            descendants(tree, dir).clear();
        }
        tree.put(dir, new Node('d', 0755, 0, 0, 0, null, null, 0, 0, Map.of()));
        created.add(dir);
    }

    /** The entries strictly below {@code dir} ("" is the root): a live view. */
    private static NavigableMap<String, Node> descendants(NavigableMap<String, Node> tree, String dir) {
        if (dir.isEmpty()) {
            return tree;
        }
        // every path below dir starts with "dir/"; '0' is the character after '/'
        return tree.subMap(dir + "/", true, dir + "0", false);
    }

    /**
     * Follows symlinks among the directories of a path as an extractor does (absolute targets
     * count from the root, {@code ..} stops at the root, at most 40 links).
     */
    private static String resolveParent(NavigableMap<String, Node> tree, String parent) {
        java.util.Deque<String> pending = new java.util.ArrayDeque<>(List.of(parent.split("/")));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String c = pending.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                continue;
            }
            String candidate = resolved.isEmpty() ? c : String.join("/", resolved) + "/" + c;
            Node node = tree.get(candidate);
            if (node != null && node.type() == 'l' && links++ < 40) {
                if (node.link().startsWith("/")) {
                    resolved.clear();
                }
                String[] parts = node.link().split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    pending.addFirst(parts[i]);
                }
                continue;
            }
            resolved.add(c);
        }
        return String.join("/", resolved);
    }

    /** Relative normalised path, or null for the root. */
    private static String normalise(String name) {
        List<String> parts = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
                continue;
            }
            parts.add(c);
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }

    /** The changes between two flattened trees, Docker's way (see the class comment). */
    static List<Change> compare(NavigableMap<String, Node> from, NavigableMap<String, Node> to) {
        List<Change> changes = new ArrayList<>();
        compareDir(from, to, "", changes);
        return changes;
    }

    /** Compares the children of {@code dir} (present in both, or in one when the other is null). */
    private static void compareDir(NavigableMap<String, Node> from, NavigableMap<String, Node> to, String dir,
            List<Change> changes) {
        List<String> names = new ArrayList<>(children(from, dir));
        for (String name : children(to, dir)) {
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        names.sort(Comparator.naturalOrder());
        for (String name : names) {
            String path = dir.isEmpty() ? name : dir + "/" + name;
            Node a = from == null ? null : from.get(path);
            Node b = to == null ? null : to.get(path);
            if (b == null) {
                changes.add(new Change(Kind.DELETED, "/" + path));
                continue;
            }
            int start = changes.size();
            boolean self = a == null || !same(a, b);
            changes.add(new Change(a == null ? Kind.ADDED : Kind.CHANGED, "/" + path));
            if (a != null && a.isDirectory() || b.isDirectory()) {
                compareDir(a != null && a.isDirectory() ? from : null, b.isDirectory() ? to : null, path, changes);
            }
            if (!self && changes.size() == start + 1) {
                changes.remove(start); // unchanged, nothing inside changed
            }
        }
    }

    /** The names directly inside {@code dir} (sorted), none when {@code tree} is null. */
    private static List<String> children(NavigableMap<String, Node> tree, String dir) {
        List<String> names = new ArrayList<>();
        if (tree == null) {
            return names;
        }
        for (String path : descendants(tree, dir).keySet()) {
            String rest = dir.isEmpty() ? path : path.substring(dir.length() + 1);
            if (rest.indexOf('/') < 0) {
                names.add(rest);
            }
        }
        return names;
    }

    private static boolean same(Node a, Node b) {
        return a.type() == b.type() && a.mode() == b.mode() && a.uid() == b.uid() && a.gid() == b.gid()
                && a.size() == b.size() && java.util.Objects.equals(a.link(), b.link())
                && java.util.Objects.equals(a.digest(), b.digest()) && a.devMajor() == b.devMajor()
                && a.devMinor() == b.devMinor() && a.xattrs().equals(b.xattrs());
    }
}
