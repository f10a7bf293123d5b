package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

/**
 * Turns a directory (or an overlay upper dir, translating its whiteouts) into a layer tar: POSIX
 * (PAX) long names and big numbers, entries sorted by path with whiteouts first in each
 * directory, hardlinks by (dev, inode), symlinks, fifos, devices, setuid/setgid/sticky, uid/gid,
 * xattrs as {@code SCHILY.xattr.} records, mtimes in whole seconds clamped to
 * {@code SOURCE_DATE_EPOCH}. The same tree gives the same bytes. The only class that builds a
 * {@link TarArchiveOutputStream}.
 */
public final class LayerWriter {
    /**
     * Layer compression. GZIP is pigz-style parallel deflate at {@link Options#level()}; ZSTD is
     * zstd level 3 in zstd's multithreaded mode (the level option is gzip's only). Both give the
     * same bytes for the same tree whatever the number of threads.
     */
    public enum Compression {
        GZIP(MediaType.OCI_LAYER_GZIP),
        ZSTD(MediaType.OCI_LAYER_ZSTD),
        NONE(MediaType.OCI_LAYER);

        private final String mediaType;

        Compression(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }
    }

    /**
     * @param sourceDateEpoch seconds; mtimes later than this are clamped to it (null: no clamping)
     * @param overlay the directory is an overlay upper dir: translate its whiteouts to OCI ones
     * @param threads compression threads (gzip: 1 compresses on the calling thread; zstd: at least
     *     one worker thread)
     * @param level gzip level 0..9 (zstd always uses level 3)
     */
    public record Options(Compression compression, Long sourceDateEpoch, boolean overlay, int threads, int level) {
        public Options {
            if (compression == null) {
                throw new IllegalArgumentException("compression is missing");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            if (level < 0 || level > 9) {
                throw new IllegalArgumentException("gzip level must be 0..9");
            }
        }

        public static Options defaults() {
            return new Options(Compression.GZIP, null, false, Runtime.getRuntime().availableProcessors(),
                    Deflater.DEFAULT_COMPRESSION == -1 ? 6 : Deflater.DEFAULT_COMPRESSION);
        }

        public Options withCompression(Compression c) {
            return new Options(c, sourceDateEpoch, overlay, threads, level);
        }

        public Options withSourceDateEpoch(Long epoch) {
            return new Options(compression, epoch, overlay, threads, level);
        }

        public Options withOverlay(boolean o) {
            return new Options(compression, sourceDateEpoch, o, threads, level);
        }

        public Options withThreads(int t) {
            return new Options(compression, sourceDateEpoch, overlay, t, level);
        }
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private final Options options;

    public LayerWriter(Options options) {
        this.options = options;
    }

    /** Writes the layer into the store. */
    public Layer write(Path dir, BlobStore store) throws StoreException {
        Digest[] diffId = new Digest[1];
        StoreException[] failure = new StoreException[1];
        try {
            Descriptor d = store.write(options.compression().mediaType(), null, out -> {
                try {
                    diffId[0] = writeCompressed(dir, out);
                } catch (StoreException e) {
                    failure[0] = e;
                    throw new IOException(e.getMessage(), e);
                }
            });
            return new Layer(d, diffId[0]);
        } catch (StoreException e) {
            throw failure[0] != null ? failure[0] : e;
        }
    }

    /** Writes the (compressed) layer to {@code out}, which is not closed. */
    public Layer write(Path dir, OutputStream out) throws StoreException {
        try {
            DigestingOutputStream blob = new DigestingOutputStream(out, Digest.SHA256);
            Digest diffId = writeCompressed(dir, blob);
            blob.flush();
            return new Layer(Descriptor.of(options.compression().mediaType(), blob.digest(), blob.count()), diffId);
        } catch (IOException e) {
            throw new StoreException("write layer from " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Compresses as configured; returns the diff id (sha256 of the uncompressed tar). */
    private Digest writeCompressed(Path dir, OutputStream out) throws StoreException, IOException {
        if (options.compression() == Compression.NONE) {
            DigestingOutputStream tar = new DigestingOutputStream(out, Digest.SHA256);
            writeTar(dir, tar);
            tar.flush();
            return tar.digest();
        }
        if (options.compression() == Compression.ZSTD) {
            OutputStream zstd = Compressions.zstdOutput(out, options.threads());
            try {
                DigestingOutputStream tar = new DigestingOutputStream(new java.io.BufferedOutputStream(zstd, 65536),
                        Digest.SHA256);
                writeTar(dir, tar);
                tar.flush();
                return tar.digest();
            } finally {
                zstd.close();
            }
        }
        ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(nonClosing(out), options.level(), options.threads());
        try {
            DigestingOutputStream tar = new DigestingOutputStream(new java.io.BufferedOutputStream(gzip, 65536), Digest.SHA256);
            writeTar(dir, tar);
            tar.flush();
            gzip.finish();
            return tar.digest();
        } finally {
            gzip.close();
        }
    }

    /** Writes the uncompressed tar of {@code dir} to {@code out} (not closed). */
    public void writeTar(Path dir, OutputStream out) throws StoreException {
        List<Path> paths = collect(dir);
        try {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(nonClosing(out), 512, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            Map<String, String> firstLinkByInode = new HashMap<>();
            for (Path path : paths) {
                writeEntry(tar, dir, path, firstLinkByInode);
            }
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new StoreException("write layer tar from " + dir + ": " + e.getMessage(), e);
        }
    }

    private void writeEntry(TarArchiveOutputStream tar, Path root, Path path, Map<String, String> links)
            throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int type = mode & S_IFMT;
        String rel = root.relativize(path).toString();
        long rdev = (Long) a.get("rdev");
        if (type == S_IFSOCK) {
            return; // sockets cannot be archived
        }
        if (options.overlay() && Whiteouts.isOverlayWhiteout(mode, rdev)) {
            String name = parentPrefix(rel) + Whiteouts.whiteoutName(path.getFileName().toString());
            tar.putArchiveEntry(simpleEntry(name, TarConstants.LF_NORMAL, mode, a));
            tar.closeArchiveEntry();
            return;
        }
        TarArchiveEntry entry;
        Path file = null;
        switch (type) {
            case S_IFDIR -> entry = simpleEntry(rel + "/", TarConstants.LF_DIR, mode, a);
            case S_IFLNK -> {
                entry = simpleEntry(rel, TarConstants.LF_SYMLINK, mode, a);
                entry.setLinkName(Files.readSymbolicLink(path).toString());
            }
            case S_IFIFO -> entry = simpleEntry(rel, TarConstants.LF_FIFO, mode, a);
            case S_IFCHR, S_IFBLK -> {
                entry = simpleEntry(rel, type == S_IFCHR ? TarConstants.LF_CHR : TarConstants.LF_BLK, mode, a);
                entry.setDevMajor((int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL)));
                entry.setDevMinor((int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL)));
            }
            case S_IFREG -> {
                String key = a.get("dev") + ":" + a.get("ino");
                String first = ((Integer) a.get("nlink")) > 1 ? links.putIfAbsent(key, rel) : null;
                if (first != null) {
                    entry = simpleEntry(rel, TarConstants.LF_LINK, mode, a);
                    entry.setLinkName(first);
                } else {
                    entry = simpleEntry(rel, TarConstants.LF_NORMAL, mode, a);
                    entry.setSize((Long) a.get("size"));
                    file = path;
                }
            }
            default -> throw new IOException("unsupported file type " + Integer.toOctalString(type) + " of " + path);
        }
        writeHeader(tar, entry, path);
        if (file != null) {
            copyExactly(file, entry.getSize(), tar);
        }
        tar.closeArchiveEntry();
        if (type == S_IFDIR && options.overlay() && Whiteouts.isOverlayOpaque(path)) {
            tar.putArchiveEntry(simpleEntry(rel + "/" + Whiteouts.OPAQUE_MARKER, TarConstants.LF_NORMAL, mode, a));
            tar.closeArchiveEntry();
        }
    }

    private TarArchiveEntry simpleEntry(String name, byte linkFlag, int mode, Map<String, Object> a) {
        TarArchiveEntry e = new TarArchiveEntry(name, linkFlag, true);
        e.setMode(mode & 07777);
        e.setUserId(((Integer) a.get("uid")).longValue());
        e.setGroupId(((Integer) a.get("gid")).longValue());
        e.setUserName("");
        e.setGroupName("");
        long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.SECONDS);
        if (options.sourceDateEpoch() != null && mtime > options.sourceDateEpoch()) {
            mtime = options.sourceDateEpoch();
        }
        e.setModTime(FileTime.from(mtime, TimeUnit.SECONDS));
        return e;
    }

    /**
     * Adds the xattrs as {@code SCHILY.xattr.} PAX records. commons-compress writes PAX values as
     * UTF-8 text, so when a value is binary (e.g. {@code security.capability}) this writes the
     * entry's whole PAX header itself, byte-exact, and tells the stream to add none of its own
     * (a second PAX header would replace the first in Go's reader).
     */
    private void writeHeader(TarArchiveOutputStream tar, TarArchiveEntry entry, Path path) throws IOException {
        SortedMap<String, byte[]> xattrs = new TreeMap<>(Xattrs.list(path));
        if (options.overlay()) {
            xattrs.keySet().removeIf(Whiteouts::isOverlayXattr);
        }
        boolean binary = false;
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            String text = utf8(x.getValue());
            if (text == null) {
                binary = true;
                break;
            }
            entry.addPaxHeader("SCHILY.xattr." + x.getKey(), text);
        }
        if (!binary) {
            tar.putArchiveEntry(entry);
            return;
        }
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        paxRecord(pax, "path", entry.getName().getBytes(StandardCharsets.UTF_8));
        if (!entry.getLinkName().isEmpty()) {
            paxRecord(pax, "linkpath", entry.getLinkName().getBytes(StandardCharsets.UTF_8));
        }
        if (entry.getSize() > 077777777777L) {
            paxRecord(pax, "size", Long.toString(entry.getSize()).getBytes(StandardCharsets.US_ASCII));
        }
        if (entry.getLongUserId() > 07777777L) {
            paxRecord(pax, "uid", Long.toString(entry.getLongUserId()).getBytes(StandardCharsets.US_ASCII));
        }
        if (entry.getLongGroupId() > 07777777L) {
            paxRecord(pax, "gid", Long.toString(entry.getLongGroupId()).getBytes(StandardCharsets.US_ASCII));
        }
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            paxRecord(pax, "SCHILY.xattr." + x.getKey(), x.getValue());
        }
        entry.clearExtraPaxHeaders();
        byte[] records = pax.toByteArray();
        TarArchiveEntry header = new TarArchiveEntry("././@PaxHeader", TarConstants.LF_PAX_EXTENDED_HEADER_LC, true);
        header.setMode(0644);
        header.setUserName("");
        header.setGroupName("");
        header.setModTime(entry.getLastModifiedTime());
        header.setSize(records.length);
        tar.putArchiveEntry(header);
        tar.write(records);
        tar.closeArchiveEntry();
        // the real header: the PAX records above override its (possibly truncated) fields
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_TRUNCATE);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
        tar.setAddPaxHeadersForNonAsciiNames(false);
        try {
            tar.putArchiveEntry(entry);
        } finally {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
        }
    }

    /** Appends one {@code "<len> key=value\n"} record; len counts the whole record. */
    private static void paxRecord(ByteArrayOutputStream out, String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int rest = 1 + k.length + 1 + value.length + 1; // space, key, '=', value, newline
        int len = rest + 1;
        while (len != rest + Integer.toString(len).length()) {
            len = rest + Integer.toString(len).length();
        }
        out.writeBytes(Integer.toString(len).getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.writeBytes(k);
        out.write('=');
        out.writeBytes(value);
        out.write('\n');
    }

    /** The value as a string if it is valid UTF-8, else null. */
    private static String utf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void copyExactly(Path file, long size, OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[65536];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(file + " shrank while being archived");
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }

    private static String parentPrefix(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash + 1);
    }

    /** All paths below {@code dir} (not {@code dir} itself), in archive order. */
    private static List<Path> collect(Path dir) throws StoreException {
        List<Path> paths = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (!d.equals(dir)) {
                        paths.add(d);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    paths.add(file);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new StoreException("read layer dir " + dir + ": " + e.getMessage(), e);
        }
        paths.sort(ARCHIVE_ORDER);
        return paths;
    }

    /** Component-wise path order; within a directory whiteouts come first, then byte order. */
    static final Comparator<Path> ARCHIVE_ORDER = (a, b) -> {
        int n = Math.min(a.getNameCount(), b.getNameCount());
        for (int i = 0; i < n; i++) {
            int c = compareNames(a.getName(i).toString(), b.getName(i).toString());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.getNameCount(), b.getNameCount());
    };

    private static int compareNames(String x, String y) {
        boolean wx = Whiteouts.isWhiteout(x);
        boolean wy = Whiteouts.isWhiteout(y);
        if (wx != wy) {
            return wx ? -1 : 1;
        }
        byte[] bx = x.getBytes(StandardCharsets.UTF_8);
        byte[] by = y.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(bx, by);
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
