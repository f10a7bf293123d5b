package io.jbuild.layerstore;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The files of an image archive being imported, seen through archive-relative paths. A path is
 * normalised by {@link #normalize}; one that would leave the archive is refused. Blobs and layers
 * go straight into the store (verified on the way); only small documents are held in memory.
 */
abstract class ArchiveContents {
    /** Documents (JSON, {@code oci-layout}, {@code repositories}) larger than this are refused. */
    static final int DOCUMENT_LIMIT = 16 << 20;

    private static final Pattern BLOB_PATH = Pattern.compile("blobs/([a-z0-9]+(?:[+._-][a-z0-9]+)*)/([a-zA-Z0-9=_-]+)");

    protected final BlobStore store;

    ArchiveContents(BlobStore store) {
        this.store = store;
    }

    /** The bytes of a small file, or null when the archive has no such file. */
    abstract byte[] document(String path) throws StoreException;

    /** Whether the archive holds the blob {@code blobs/<alg>/<hex>}. */
    abstract boolean hasBlob(Digest digest) throws StoreException;

    /** Makes sure the blob is in the store, copied (and verified) from the archive. */
    abstract void blob(Descriptor descriptor) throws StoreException;

    /** A layer tar of a docker archive, stored gzip-compressed (or as it is when already compressed). */
    abstract Layer layer(String path) throws StoreException;

    /** The archive path of a blob. */
    static String blobPath(Digest digest) {
        return "blobs/" + digest.algorithm() + "/" + digest.encoded();
    }

    /** The digest named by a {@code blobs/<alg>/<hex>} path, or null for another path. */
    static Digest blobDigest(String path) {
        var m = BLOB_PATH.matcher(path);
        if (!m.matches()) {
            return null;
        }
        try {
            return new Digest(m.group(1), m.group(2));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * An entry name made canonical ({@code ./a//b/} is {@code a/b}); absolute names and names
     * with a {@code ..} component are refused.
     */
    static String normalize(String name) throws UnsafeEntryException {
        if (name.indexOf('\0') >= 0) {
            throw new UnsafeEntryException(name, "the name contains a NUL character");
        }
        if (name.startsWith("/")) {
            throw new UnsafeEntryException(name, "absolute path in an image archive");
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new UnsafeEntryException(name, "the path leaves the archive (\"..\")");
            }
            parts.add(part);
        }
        if (parts.isEmpty()) {
            return "";
        }
        return String.join("/", parts);
    }

    /** Resolves a symlink target written at {@code linkPath}; refuses targets outside the archive. */
    static String resolveSymlink(String linkPath, String target) throws UnsafeEntryException {
        if (target.startsWith("/")) {
            throw new UnsafeEntryException(linkPath, "symlink to the absolute path \"" + target + "\" leaves the archive");
        }
        int slash = linkPath.lastIndexOf('/');
        List<String> parts = new ArrayList<>();
        if (slash > 0) {
            parts.addAll(List.of(linkPath.substring(0, slash).split("/")));
        }
        for (String part : target.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new UnsafeEntryException(linkPath, "symlink to \"" + target + "\" leaves the archive");
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    /** Copies a blob into the store; the store refuses content that is not {@code expected}. */
    protected Descriptor storeBlob(Descriptor expected, InputStream in) throws StoreException {
        return store.write(expected, in);
    }

    /**
     * Stores a layer tar read from {@code in}: an uncompressed tar is compressed with gzip while
     * its diff id is computed; a gzip or zstd stream is stored as it is and its diff id computed
     * by reading it back.
     */
    protected Layer storeLayer(String path, InputStream raw) throws StoreException {
        BufferedInputStream in = new BufferedInputStream(raw, 65536);
        Compressions.Kind kind;
        try {
            kind = Compressions.detect(in);
        } catch (IOException e) {
            throw new StoreException("load layer " + path + ": " + e.getMessage(), e);
        }
        if (kind == Compressions.Kind.GZIP || kind == Compressions.Kind.ZSTD) {
            Descriptor stored = store.write(kind == Compressions.Kind.GZIP ? MediaType.OCI_LAYER_GZIP
                    : MediaType.OCI_LAYER_ZSTD, in);
            try (InputStream plain = Compressions.decompressed(store.open(stored.digest()))) {
                DigestingOutputStream diff = new DigestingOutputStream(OutputStream.nullOutputStream(), Digest.SHA256);
                plain.transferTo(diff);
                return new Layer(stored, diff.digest());
            } catch (IOException e) {
                throw new StoreException("load layer " + path + ": " + e.getMessage(), e);
            }
        }
        Digest[] diffId = new Digest[1];
        LayerWriter.Options options = LayerWriter.Options.defaults();
        Descriptor stored = store.write(MediaType.OCI_LAYER_GZIP, null, out -> {
            ParallelGzipOutputStream gz = new ParallelGzipOutputStream(new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            }, options.level(), options.threads());
            try {
                DigestingOutputStream tar = new DigestingOutputStream(new java.io.BufferedOutputStream(gz, 65536),
                        Digest.SHA256);
                in.transferTo(tar);
                tar.flush();
                gz.finish();
                diffId[0] = tar.digest();
            } finally {
                gz.close();
            }
        });
        return new Layer(stored, diffId[0]);
    }

    /** A layer that is already a blob of the store: uncompressed (diff id = digest), gzip or zstd. */
    protected Layer storedLayer(Digest digest) throws StoreException {
        long size = store.size(digest);
        try (InputStream blob = new BufferedInputStream(store.open(digest), 65536)) {
            Compressions.Kind kind = Compressions.detect(blob);
            if (kind != Compressions.Kind.GZIP && kind != Compressions.Kind.ZSTD) {
                blob.transferTo(OutputStream.nullOutputStream());
                return new Layer(Descriptor.of(MediaType.OCI_LAYER, digest, size), digest);
            }
            DigestingOutputStream diff = new DigestingOutputStream(OutputStream.nullOutputStream(), Digest.SHA256);
            try (InputStream plain = Compressions.decompressed(blob)) {
                plain.transferTo(diff);
            }
            return new Layer(Descriptor.of(kind == Compressions.Kind.GZIP ? MediaType.OCI_LAYER_GZIP
                    : MediaType.OCI_LAYER_ZSTD, digest, size), diff.digest());
        } catch (IOException e) {
            throw new StoreException("load layer " + digest + ": " + e.getMessage(), e);
        }
    }
}
