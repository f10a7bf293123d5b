package io.jbuild.builder;

import io.jbuild.layerstore.Compressions;
import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.TarExtractor;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The archives ADD unpacks: a regular file that is a tar, plain or compressed with gzip, bzip2, xz
 * or zstd (recognised by content, as moby's {@code DecompressStream} and a tar header that reads),
 * all decompressed in process (commons-compress with the xz and zstd-jni decoders).
 * Extraction is {@link TarExtractor}'s (hardened, ROOTFS mode), except that {@code .wh.*} names
 * are files like any other, as in Docker's Untar.
 */
final class Archives {
    private static final int BLOCK = 512;
    private static final String WHITEOUT_PREFIX = ".wh.";

    private Archives() {
    }

    /** The file's content, decompressed. */
    static InputStream open(Path file) throws IOException {
        byte[] head = new byte[Compressions.MAGIC_LENGTH];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        switch (Compressions.detect(head, n)) {
            case GZIP:
                return new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 65536), 65536);
            case BZIP2:
                return new BZip2CompressorInputStream(new BufferedInputStream(Files.newInputStream(file), 65536), true);
            case XZ:
                return new XZCompressorInputStream(new BufferedInputStream(Files.newInputStream(file), 65536), true);
            case ZSTD:
                return new ZstdCompressorInputStream(new BufferedInputStream(Files.newInputStream(file), 65536));
            default:
                return new BufferedInputStream(Files.newInputStream(file), 65536);
        }
    }

    /** Whether {@code file} (resolved already) is a regular file holding a tar archive. */
    static boolean isArchive(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (InputStream in = open(file)) {
            byte[] header = in.readNBytes(BLOCK);
            return header.length == BLOCK && validHeader(header);
        } catch (IOException e) {
            return false;
        }
    }

    /** A tar header block: not all zero, and its checksum (unsigned or signed sum) right. */
    static boolean validHeader(byte[] h) {
        long unsigned = 0;
        long signed = 0;
        boolean zero = true;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : h[i];
            if (h[i] != 0) {
                zero = false;
            }
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        if (zero) {
            return false;
        }
        String field = new String(h, 148, 8, StandardCharsets.US_ASCII).replace('\0', ' ').trim();
        if (field.isEmpty()) {
            return false;
        }
        try {
            long sum = Long.parseLong(field, 8);
            return sum == unsigned || sum == signed;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Extracts the archive {@code file} into the destination directory (created 0755 and chowned
     * when missing), hardened: nothing lands outside it. Ownership comes from the archive, or from
     * {@code --chown} when given.
     */
    static void unpack(Path file, CopyRequest request, FileCopier.Destination dest, Path target) throws IOException {
        Path dir = RootPaths.resolve(target, dest.path(), true);
        TreeCopier.mkdirAll(dir, 0755, request.uid(), request.gid());
        if (hasWhiteoutNames(file)) {
            unpackLiterally(file, dir);
        } else {
            extract(file, dir);
        }
        if (request.uid() != null) {
            Path realDir = dir.toRealPath();
            try (InputStream in = open(file);
                 TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path p = RootPaths.resolve(realDir, entry.getName(), false);
                    if (!p.equals(realDir) && RootPaths.exists(p)) {
                        PosixFiles.lchown(p, request.uid(), request.gid());
                    }
                }
            }
        }
    }

    private static void extract(Path tar, Path dir) throws IOException {
        try (InputStream in = open(tar)) {
            TarExtractor.of(TarExtractor.Mode.ROOTFS).extract(in, dir);
        } catch (StoreException e) {
            throw new IOException("unpack " + tar.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasWhiteoutNames(Path file) throws IOException {
        try (InputStream in = open(file);
             TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                for (String part : RootPaths.components(entry.getName())) {
                    if (part.startsWith(WHITEOUT_PREFIX)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Docker's Untar takes {@code .wh.*} names literally (only layers have whiteouts), while our
     * extractor applies them: the archive is rewritten with those names replaced by placeholders,
     * extracted, and the placeholders renamed back, deepest first.
     */
    private static void unpackLiterally(Path file, Path dir) throws IOException {
        String marker = ".jbuild-literal-" + java.util.UUID.randomUUID() + "-";
        java.util.Set<String> renamed = new java.util.TreeSet<>(
                java.util.Comparator.comparingInt((String n) -> n.split("/").length).reversed()
                        .thenComparing(java.util.Comparator.naturalOrder()));
        Path rewritten = Files.createTempFile("jbuild-add", ".tar");
        try {
            try (InputStream in = open(file);
                 TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
                 TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(rewritten),
                         StandardCharsets.UTF_8.name())) {
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    entry.setName(placeholders(entry.getName(), marker, renamed));
                    if (entry.isLink()) {
                        entry.setLinkName(placeholders(entry.getLinkName(), marker, new java.util.HashSet<>()));
                    }
                    out.putArchiveEntry(entry);
                    if (entry.isFile() && !entry.isLink()) {
                        tar.transferTo(out);
                    }
                    out.closeArchiveEntry();
                }
                out.finish();
            }
            extract(rewritten, dir);
        } finally {
            Files.deleteIfExists(rewritten);
        }
        Path realDir = dir.toRealPath();
        for (String name : renamed) {
            Path placeholder = RootPaths.resolve(realDir, name, false);
            if (!RootPaths.exists(placeholder)) {
                continue;
            }
            Path literal = placeholder.resolveSibling(placeholder.getFileName().toString().substring(marker.length()));
            if (RootPaths.exists(literal)) {
                StepMount.deleteQuietly(literal);
            }
            Files.move(placeholder, literal, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** {@code name} with every component starting with {@code .wh.} prefixed by the marker; records each such path. */
    private static String placeholders(String name, String marker, java.util.Set<String> renamed) {
        List<String> parts = RootPaths.components(name);
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (out.length() > 0) {
                out.append('/');
            }
            if (part.startsWith(WHITEOUT_PREFIX)) {
                out.append(marker).append(part);
                renamed.add(out.toString());
            } else {
                out.append(part);
            }
        }
        return name.endsWith("/") ? out + "/" : out.toString();
    }
}
