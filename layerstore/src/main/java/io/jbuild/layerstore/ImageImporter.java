package io.jbuild.layerstore;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Loads images from an archive into a {@link BlobStore}, as {@code docker load} does. The input
 * is an OCI image layout (tar or directory) or a {@code docker save} archive (tar or extracted
 * directory), told apart by content: an {@code oci-layout} file, else a {@code manifest.json}.
 * A tar may be compressed with gzip, bzip2 or zstd, or with xz when the
 * {@code xz} command is installed.
 *
 * <p>OCI blobs are stored as they are, verified against their file name. Docker archive layers
 * (uncompressed tars) are stored gzip-compressed; their diff ids are checked against the config,
 * whose bytes are kept, and a new OCI manifest is written. Names come from
 * {@code io.containerd.image.name}, else from a {@code org.opencontainers.image.ref.name} that
 * is a full reference (a bare tag names no repository), or from {@code RepoTags}; they are
 * normalised as pull does ({@code busybox} is {@code docker.io/library/busybox:latest}). Images
 * without a name are kept in the store's index without one. Tags are written only after every
 * blob is in the store, so an interrupted or refused load leaves at most unreferenced blobs.
 */
public final class ImageImporter {
    private ImageImporter() {
    }

    /**
     * Loads every image of {@code input}; returns them in archive order. Errors name the input,
     * except {@link UnsafeEntryException}, which names the refused entry.
     */
    public static List<NamedImage> load(BlobStore store, Path input) throws StoreException {
        String source = input.toString();
        try {
            List<NamedImage> images;
            if (Files.isDirectory(input)) {
                images = load(store, DirectoryArchive.open(store, input), source);
            } else {
                try (InputStream in = decompressed(Files.newInputStream(input), source)) {
                    images = load(store, StreamedArchive.read(store, in, source), source);
                }
            }
            return tag(store, images);
        } catch (IOException e) {
            throw new StoreException("load " + source + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            throw naming(source, e);
        }
    }

    /**
     * Loads every image of a tar stream (compressed or not), which is read to its end and closed;
     * {@code source} names it in errors.
     */
    public static List<NamedImage> load(BlobStore store, InputStream tar, String source) throws StoreException {
        try (InputStream in = decompressed(tar, source)) {
            return tag(store, load(store, StreamedArchive.read(store, in, source), source));
        } catch (IOException e) {
            throw new StoreException("load " + source + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            throw naming(source, e);
        }
    }

    private static StoreException naming(String source, StoreException e) {
        String prefix = "load " + source + ":";
        if (e instanceof UnsafeEntryException || e.getMessage().startsWith(prefix)) {
            return e;
        }
        return new StoreException(prefix + " " + e.getMessage(), e);
    }

    private static List<NamedImage> tag(BlobStore store, List<NamedImage> images) throws StoreException {
        for (NamedImage image : images) {
            if (image.name() == null) {
                store.addUntagged(image.manifest());
            } else {
                store.tag(image.name(), image.manifest());
            }
        }
        return images;
    }

    private static InputStream decompressed(InputStream raw, String source) throws IOException, StoreException {
        BufferedInputStream in = new BufferedInputStream(raw, 65536);
        switch (Compressions.detect(in)) {
            case GZIP:
                return new GZIPInputStream(in, 65536);
            case BZIP2:
                return new BZip2CompressorInputStream(in, true);
            case ZSTD:
                return Compressions.zstdInput(in);
            case XZ:
                return ProcessDecompressor.open(in, List.of("xz", "-dc"));
            default:
                return in;
        }
    }

    private static List<NamedImage> load(BlobStore store, ArchiveContents archive, String source)
            throws StoreException {
        byte[] layout = archive.document("oci-layout");
        if (layout != null) {
            OciLayoutHeader header = Json.read(layout, OciLayoutHeader.class);
            if (!header.imageLayoutVersion().startsWith("1.")) {
                throw new StoreException("load " + source + ": unsupported OCI layout version "
                        + header.imageLayoutVersion());
            }
            return OciLayoutReader.load(archive, source);
        }
        byte[] manifest = archive.document("manifest.json");
        if (manifest != null) {
            return DockerArchiveReader.load(store, archive, manifest, source);
        }
        throw new StoreException("load " + source + ": neither an OCI image layout (no oci-layout file) "
                + "nor a docker archive (no manifest.json)");
    }
}
