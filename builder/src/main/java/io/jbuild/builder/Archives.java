package io.jbuild.builder;

import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.TarExtractor;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The archives ADD unpacks: a regular file that is a tar, plain or compressed with gzip, bzip2, xz
 * or zstd (recognised by content, as moby's {@code DecompressStream} and a tar header that reads).
 * gzip and bzip2 are decompressed in process; xz and zstd through the system's {@code xz} and
 * {@code zstd} commands, there being no decoder for them among the build's dependencies.
 */
final class Archives {
    private static final int BLOCK = 512;

    private Archives() {
    }

    /** How a file is compressed. */
    enum Compression { NONE, GZIP, BZIP2, XZ, ZSTD }

    static Compression detect(byte[] head, int n) {
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
            return Compression.BZIP2;
        }
        if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X'
                && head[4] == 'Z' && head[5] == 0) {
            return Compression.XZ;
        }
        if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        return Compression.NONE;
    }

    /** The file's content, decompressed. */
    static InputStream open(Path file) throws IOException {
        byte[] head = new byte[6];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        Compression compression = detect(head, n);
        switch (compression) {
            case GZIP:
                return new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 65536), 65536);
            case BZIP2:
                return new BZip2CompressorInputStream(new BufferedInputStream(Files.newInputStream(file), 65536), true);
            case XZ:
                return decompressor(file, "xz");
            case ZSTD:
                return decompressor(file, "zstd");
            default:
                return new BufferedInputStream(Files.newInputStream(file), 65536);
        }
    }

    private static InputStream decompressor(Path file, String command) throws IOException {
        Process process = new ProcessBuilder(command, "-dc")
                .redirectInput(file.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return new ProcessOutput(process, command);
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
        try (InputStream in = open(file)) {
            new TarExtractor(TarExtractor.Mode.ROOTFS, true).extract(in, dir);
        } catch (StoreException e) {
            throw new IOException("unpack " + file.getFileName() + ": " + e.getMessage(), e);
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

    /** A decompressing command's standard output; closing it ends the command, a failure shows at EOF. */
    private static final class ProcessOutput extends FilterInputStream {
        private final Process process;
        private final String command;

        ProcessOutput(Process process, String command) {
            super(new BufferedInputStream(process.getInputStream(), 65536));
            this.process = process;
            this.command = command;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                checkExit();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n < 0) {
                checkExit();
            }
            return n;
        }

        private void checkExit() throws IOException {
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IOException(command + " -dc failed" + (process.isAlive() ? "" : " with exit status "
                            + process.exitValue()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(command + " -dc interrupted", e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                process.destroy();
            }
        }
    }
}
