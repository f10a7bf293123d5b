package io.jbuild.layerstore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An image archive unpacked in a directory (an OCI image layout directory, or an extracted
 * docker archive). Files are read on demand; every path, after following symlinks, must stay
 * inside the directory.
 */
final class DirectoryArchive extends ArchiveContents {
    private final Path root;

    private DirectoryArchive(BlobStore store, Path root) {
        super(store);
        this.root = root;
    }

    static DirectoryArchive open(BlobStore store, Path dir) throws StoreException {
        try {
            return new DirectoryArchive(store, dir.toRealPath());
        } catch (IOException e) {
            throw new StoreException("load " + dir + ": " + e, e);
        }
    }

    /** The file at {@code path}, or null when there is none; refuses paths leading out of the directory. */
    private Path file(String path) throws StoreException {
        String normalized = normalize(path);
        Path p = root.resolve(normalized);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new StoreException("load " + p + ": " + e, e);
        }
        if (!real.startsWith(root)) {
            throw new UnsafeEntryException(normalized, "it resolves to " + real + ", outside " + root);
        }
        if (!Files.isRegularFile(real)) {
            throw new UnsafeEntryException(normalized, "not a regular file");
        }
        return real;
    }

    @Override
    byte[] document(String path) throws StoreException {
        Path file = file(path);
        if (file == null) {
            return null;
        }
        try {
            if (Files.size(file) > DOCUMENT_LIMIT) {
                throw new StoreException("load " + file + ": larger than " + (DOCUMENT_LIMIT >> 20) + " MiB");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StoreException("load " + file + ": " + e, e);
        }
    }

    @Override
    boolean hasBlob(Digest digest) throws StoreException {
        return file(blobPath(digest)) != null;
    }

    @Override
    void blob(Descriptor descriptor) throws StoreException {
        if (store.contains(descriptor.digest())) {
            return;
        }
        Path file = file(blobPath(descriptor.digest()));
        if (file == null) {
            throw new StoreException("load blob " + descriptor.digest() + ": not in " + root);
        }
        try (InputStream in = Files.newInputStream(file)) {
            storeBlob(descriptor, in);
        } catch (IOException e) {
            throw new StoreException("load blob " + descriptor.digest() + ": " + e, e);
        }
    }

    @Override
    Layer layer(String path) throws StoreException {
        Path file = file(path);
        if (file == null) {
            throw new StoreException("load layer " + path + ": not in " + root);
        }
        Digest digest = blobDigest(normalize(path));
        try (InputStream in = Files.newInputStream(file)) {
            if (digest != null && digest.isVerifiable()) {
                storeBlob(Descriptor.of("application/octet-stream", digest, Files.size(file)), in);
                return storedLayer(digest);
            }
            return storeLayer(path, in);
        } catch (IOException e) {
            throw new StoreException("load layer " + path + ": " + e, e);
        }
    }
}
