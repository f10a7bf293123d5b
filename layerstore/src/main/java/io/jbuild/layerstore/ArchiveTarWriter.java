package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the files of an image archive (OCI layout or docker archive) and writes them as one
 * deterministic tar: entries sorted by name, parent directories added, owner 0:0, modes 0755 and
 * 0644, mtime 0. Layer tars themselves are written by {@link LayerWriter}; this only packs
 * finished files.
 */
final class ArchiveTarWriter {
    /** The content of one file in the archive. */
    interface Content {
        long size() throws IOException;

        InputStream open() throws IOException, StoreException;
    }

    private final TreeMap<String, Content> files = new TreeMap<>();

    /** Adds a file; a second file at the same path must be the same content and is dropped. */
    void add(String path, Content content) {
        files.putIfAbsent(path, content);
    }

    void add(String path, byte[] bytes) {
        byte[] copy = bytes.clone();
        add(path, new Content() {
            @Override
            public long size() {
                return copy.length;
            }

            @Override
            public InputStream open() {
                return new java.io.ByteArrayInputStream(copy);
            }
        });
    }

    void add(String path, String text) {
        add(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A blob of the store, verified while it is read. */
    void addBlob(String path, BlobStore store, Digest digest) {
        add(path, new Content() {
            @Override
            public long size() throws IOException {
                try {
                    return store.size(digest);
                } catch (StoreException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }

            @Override
            public InputStream open() throws StoreException {
                return store.open(digest);
            }
        });
    }

    void addFile(String path, Path file) {
        add(path, new Content() {
            @Override
            public long size() throws IOException {
                return Files.size(file);
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        });
    }

    /** The files collected so far, by path. */
    Map<String, Content> files() {
        return java.util.Collections.unmodifiableMap(files);
    }

    /** Writes the tar to {@code out}, which is flushed but not closed. */
    void writeTo(OutputStream out) throws IOException, StoreException {
        TreeMap<String, Content> entries = new TreeMap<>();
        for (String path : files.keySet()) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                entries.putIfAbsent(path.substring(0, slash + 1), null);
            }
        }
        entries.putAll(files);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(nonClosing(out), "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (Map.Entry<String, Content> e : entries.entrySet()) {
            TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
            entry.setModTime(0);
            entry.setIds(0, 0);
            entry.setNames("", "");
            if (e.getValue() == null) {
                entry.setMode(040755);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
                continue;
            }
            long size = e.getValue().size();
            entry.setMode(0100644);
            entry.setSize(size);
            tar.putArchiveEntry(entry);
            long copied;
            try (InputStream in = e.getValue().open()) {
                copied = in.transferTo(tar);
            }
            if (copied != size) {
                throw new IOException("write archive entry " + e.getKey() + ": expected " + size + " bytes, read "
                        + copied);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }
}
