package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An image archive read from a tar stream in one pass, in whatever order its entries come:
 * {@code blobs/<alg>/<hex>} files go into the store as they are read (the store verifies their
 * digest and size), {@code *.tar} files and any file over {@link #DOCUMENT_LIMIT} (docker archive
 * layers) are stored gzip-compressed with their diff id, other files are kept in memory, links
 * are remembered and resolved inside the archive. Absolute names, {@code ..}, links leaving the
 * archive, devices and duplicate names are refused.
 */
final class StreamedArchive extends ArchiveContents {
    /** All documents held in memory together may not exceed this. */
    static final long MEMORY_LIMIT = 256L << 20;

    private final Map<String, byte[]> documents = new HashMap<>();
    private final Map<String, Layer> layers = new HashMap<>();
    private final Map<String, Digest> blobs = new HashMap<>();
    private final Map<String, String> links = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private long memory;

    private StreamedArchive(BlobStore store) {
        super(store);
    }

    /** Reads the whole tar {@code in} (already decompressed); {@code source} names it in errors. */
    static StreamedArchive read(BlobStore store, InputStream in, String source) throws StoreException {
        StreamedArchive archive = new StreamedArchive(store);
        try {
            TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
            boolean any = false;
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                any = true;
                archive.add(entry, tar);
            }
            if (!any) {
                throw new StoreException("load " + source + ": not a tar archive or an empty one");
            }
        } catch (IOException e) {
            throw new StoreException("load " + source + ": " + e.getMessage(), e);
        }
        return archive;
    }

    private void add(TarArchiveEntry entry, InputStream tar) throws IOException, StoreException {
        String path = normalize(entry.getName());
        if (entry.isDirectory() || path.isEmpty()) {
            return;
        }
        if (!names.add(path)) {
            throw new UnsafeEntryException(entry.getName(), "the name appears twice in the archive");
        }
        if (entry.isSymbolicLink()) {
            links.put(path, resolveSymlink(path, entry.getLinkName()));
            return;
        }
        if (entry.isLink()) {
            links.put(path, normalize(entry.getLinkName()));
            return;
        }
        if (!entry.isFile()) {
            throw new UnsafeEntryException(entry.getName(), "unexpected entry type in an image archive");
        }
        long size = entry.getSize();
        InputStream content = new ExactLength(tar, size, entry.getName());
        Digest digest = blobDigest(path);
        if (digest != null && digest.isVerifiable()) {
            storeBlob(Descriptor.of("application/octet-stream", digest, size), content);
            blobs.put(path, digest);
        } else if (path.endsWith(".tar") || size > DOCUMENT_LIMIT) {
            layers.put(path, storeLayer(path, content));
        } else {
            memory += size;
            if (memory > MEMORY_LIMIT) {
                throw new StoreException("load " + entry.getName() + ": the archive's documents exceed "
                        + (MEMORY_LIMIT >> 20) + " MiB");
            }
            documents.put(path, content.readAllBytes());
        }
    }

    /** Follows links; a chain longer than 40 is refused as a loop. */
    private String resolve(String path) throws UnsafeEntryException {
        String p = path;
        for (int i = 0; i < 40; i++) {
            String next = links.get(p);
            if (next == null) {
                return p;
            }
            p = next;
        }
        throw new UnsafeEntryException(path, "too many levels of links");
    }

    @Override
    byte[] document(String path) throws StoreException {
        String p = resolve(normalize(path));
        byte[] bytes = documents.get(p);
        if (bytes != null) {
            return bytes.clone();
        }
        Digest digest = blobs.get(p);
        return digest == null ? null : store.readAll(digest);
    }

    @Override
    boolean hasBlob(Digest digest) throws StoreException {
        String p = resolve(blobPath(digest));
        return blobs.containsKey(p) && store.contains(blobs.get(p));
    }

    @Override
    void blob(Descriptor descriptor) throws StoreException {
        String p = resolve(blobPath(descriptor.digest()));
        Digest digest = blobs.get(p);
        if (digest == null || !store.contains(digest)) {
            throw new StoreException("load blob " + descriptor.digest() + ": not in the archive");
        }
        if (!digest.equals(descriptor.digest()) || store.size(digest) != descriptor.size()) {
            throw new UnexpectedContentException("load blob " + descriptor.digest() + ": the archive's "
                    + blobPath(descriptor.digest()) + " is " + digest + " with " + store.size(digest)
                    + " bytes, the descriptor says " + descriptor.size() + " bytes", null);
        }
    }

    @Override
    Layer layer(String path) throws StoreException {
        String p = resolve(normalize(path));
        Layer layer = layers.get(p);
        if (layer != null) {
            return layer;
        }
        Digest digest = blobs.get(p);
        if (digest != null) {
            // docker 25 keeps uncompressed layers as blobs
            return storedLayer(digest);
        }
        byte[] small = documents.get(p);
        if (small != null) {
            // a layer file not named *.tar, small enough to have been kept in memory
            layer = storeLayer(path, new java.io.ByteArrayInputStream(small));
            layers.put(p, layer);
            return layer;
        }
        throw new StoreException("load layer " + path + ": not in the archive");
    }

    /** Reads exactly {@code size} bytes; an earlier end means the archive was cut short. */
    private static final class ExactLength extends FilterInputStream {
        private final long size;
        private final String name;
        private long count;

        ExactLength(InputStream in, long size, String name) {
            super(in);
            this.size = size;
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                checkEnd();
            } else {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                checkEnd();
            } else {
                count += n;
            }
            return n;
        }

        @Override
        public void close() {
            // the tar stream stays open for the next entry
        }

        private void checkEnd() throws EOFException {
            if (count < size) {
                throw new EOFException("the archive is truncated: entry " + name + " has " + count + " of "
                        + size + " bytes");
            }
        }
    }
}
