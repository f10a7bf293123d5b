package io.jbuild.layerstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an unpacked layer directory looked like when it was committed: one line per path, sorted,
 * with type, mode, owner, size, mtime (nanoseconds), device number, a hash of its extended
 * attributes, and a symlink's target. {@link BlobStore#commitLayerDir} writes it beside the dir
 * as {@code layers/<hex>.files} (never inside: the dir is an overlay lowerdir) and
 * {@link StoreChecker} compares the dir against it.
 *
 * <p>It costs one {@code lstat} and one {@code llistxattr} per path, no reading of file content.
 * It catches files added, removed, renamed, truncated or extended, changed type, mode, owner or
 * extended attributes (overlay opaque markers, whiteout devices), and content written through
 * the file system (which moves the mtime). It does not catch a same-size change that also
 * restores the mtime, or bit rot below the file system; the layer's blob, which is verified by
 * digest, stays the source of truth and the dir can always be unpacked again from it.
 */
final class LayerDirRecord {
    static final String HEADER = "jbuild layer dir record v1";

    private LayerDirRecord() {
    }

    /** The record of {@code dir}: the header line, then one line per path. */
    static byte[] of(Path dir) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<String, String> e : lines(dir).entrySet()) {
            text.append(e.getValue()).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The lines of a record by path (the header dropped). */
    static Map<String, String> parse(byte[] record) throws IOException {
        List<String> lines = new String(record, StandardCharsets.UTF_8).lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException("not a layer dir record (expected \"" + HEADER + "\" on the first line)");
        }
        Map<String, String> byPath = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int tab = line.lastIndexOf('\t');
            if (tab < 0) {
                throw new IOException("malformed layer dir record line: " + line);
            }
            byPath.put(line.substring(tab + 1), line);
        }
        return byPath;
    }

    /**
     * How {@code dir} differs from {@code record}, one description per path ({@code "etc/x
     * changed (...)"}, {@code "... is missing"}, {@code "... was added"}); empty when it matches.
     */
    static List<String> differences(Path dir, byte[] record) throws IOException {
        Map<String, String> expected = parse(record);
        Map<String, String> actual = lines(dir);
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String now = actual.get(e.getKey());
            if (now == null) {
                differences.add(e.getKey() + " is missing");
            } else if (!now.equals(e.getValue())) {
                differences.add(e.getKey() + " changed (" + attributes(e.getValue()) + " -> " + attributes(now) + ")");
            }
        }
        for (String path : actual.keySet()) {
            if (!expected.containsKey(path)) {
                differences.add(path + " was added");
            }
        }
        return differences;
    }

    private static String attributes(String line) {
        return line.substring(0, line.lastIndexOf('\t'));
    }

    /** The current lines of {@code dir} by escaped relative path. */
    static Map<String, String> lines(Path dir) throws IOException {
        TreeMap<String, String> lines = new TreeMap<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                add(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                add(file);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p) throws IOException {
                String rel = escape(dir.relativize(p).toString());
                String path = rel.isEmpty() ? "." : rel;
                lines.put(path, line(p, path, p.equals(dir)));
            }
        });
        return lines;
    }

    private static String line(Path p, String path, boolean root) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,rdev",
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        boolean directory = (mode & 0170000) == 0040000;
        StringBuilder line = new StringBuilder();
        line.append(Integer.toOctalString(mode)).append(' ').append(a.get("uid")).append(':').append(a.get("gid"));
        // a directory's size depends on the file system's allocation; the root's mtime on the rename
        line.append(' ').append(directory ? "-" : String.valueOf(a.get("size")));
        line.append(' ').append(root ? "-" : nanos((FileTime) a.get("lastModifiedTime")));
        line.append(' ').append(a.get("rdev"));
        line.append(' ').append(xattrs(p));
        if ((mode & 0170000) == 0120000) {
            line.append(" -> ").append(escape(Files.readSymbolicLink(p).toString()));
        }
        return line.append('\t').append(path).toString();
    }

    private static String nanos(FileTime t) {
        java.time.Instant i = t.toInstant();
        return i.getEpochSecond() + "." + String.format("%09d", i.getNano());
    }

    private static String xattrs(Path p) throws IOException {
        Map<String, byte[]> all = Xattrs.list(p);
        if (all.isEmpty()) {
            return "-";
        }
        MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(e.getValue());
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest(), 0, 8);
    }

    /** Backslash, tab, newline and other control characters escaped so that a line is one path. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
