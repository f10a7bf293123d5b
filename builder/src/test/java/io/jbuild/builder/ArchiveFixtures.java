package io.jbuild.builder;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/** Small tar archives for the ADD tests. */
final class ArchiveFixtures {
    private ArchiveFixtures() {
    }

    /** A plain tar of regular files (name → content, mode 0644, owner 1000:1000); names ending in / are directories. */
    static Path tar(Path file, Map<String, String> entries) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            writeTar(out, entries);
        }
        return file;
    }

    static void writeTar(OutputStream out, Map<String, String> entries) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
            TarArchiveEntry entry;
            if (e.getKey().endsWith("/")) {
                entry = new TarArchiveEntry(e.getKey(), TarArchiveEntry.LF_DIR);
                entry.setMode(040755);
            } else {
                entry = new TarArchiveEntry(e.getKey());
                entry.setMode(0100644);
                entry.setSize(e.getValue().getBytes(StandardCharsets.UTF_8).length);
            }
            entry.setIds(1000, 1000);
            entry.setModTime(1_600_000_000_000L);
            tar.putArchiveEntry(entry);
            if (!e.getKey().endsWith("/")) {
                tar.write(e.getValue().getBytes(StandardCharsets.UTF_8));
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    /** The tar compressed with {@code compression}: gzip, bzip2 (in process), xz or zstd (system commands). */
    static Path compressed(Path file, String compression, Map<String, String> entries) throws IOException,
            InterruptedException {
        switch (compression) {
            case "gzip":
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                    writeTar(out, entries);
                }
                return file;
            case "bzip2":
                try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(file))) {
                    writeTar(out, entries);
                }
                return file;
            case "xz":
            case "zstd":
                Path plain = tar(file.resolveSibling(file.getFileName() + ".plain"), entries);
                Process p = new ProcessBuilder(compression, "-c", "-q", plain.toString())
                        .redirectOutput(file.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                if (p.waitFor() != 0) {
                    throw new IOException(compression + " failed");
                }
                Files.delete(plain);
                return file;
            default:
                return tar(file, entries);
        }
    }
}
