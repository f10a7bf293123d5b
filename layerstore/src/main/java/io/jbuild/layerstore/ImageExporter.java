package io.jbuild.layerstore;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Writes images of a {@link BlobStore} out as archives other tools read.
 *
 * <ul>
 * <li>OCI image layout, as a tar or a directory ({@code skopeo oci:}/{@code oci-archive:},
 *     {@code umoci}, {@code docker load} 25+, {@code podman load}): blobs copied as stored.
 * <li>Docker archive ({@code docker save} format, read by every {@code docker load} and by
 *     {@code skopeo docker-archive:}): config and uncompressed layer tars, {@code manifest.json}.
 * </ul>
 * Tars are deterministic: sorted entries, owner 0:0, mtime 0. Every blob is verified while it is
 * read from the store.
 */
public final class ImageExporter {
    private ImageExporter() {
    }

    /** Writes an OCI image layout as an (uncompressed) tar to {@code tarOut}, which is not closed. */
    public static void writeOciLayout(BlobStore store, List<NamedImage> images, OutputStream tarOut)
            throws StoreException {
        ArchiveTarWriter files = OciLayoutWriter.files(store, checked(images));
        try {
            files.writeTo(tarOut);
        } catch (IOException e) {
            throw new StoreException("write OCI layout: " + e.getMessage(), e);
        }
    }

    /**
     * Writes an OCI image layout into {@code dir}, which must not exist or be empty. Blobs are
     * written before {@code index.json}, so a reader never sees an index naming a missing blob.
     */
    public static void writeOciLayoutDirectory(BlobStore store, List<NamedImage> images, Path dir)
            throws StoreException {
        ArchiveTarWriter files = OciLayoutWriter.files(store, checked(images));
        try {
            Files.createDirectories(dir);
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new StoreException("write OCI layout to " + dir + ": the directory is not empty");
                }
            }
            ArchiveTarWriter.Content index = null;
            for (Map.Entry<String, ArchiveTarWriter.Content> e : files.files().entrySet()) {
                if (e.getKey().equals("index.json")) {
                    index = e.getValue();
                    continue;
                }
                writeFile(dir.resolve(e.getKey()), e.getValue());
            }
            writeFile(dir.resolve("index.json"), index);
        } catch (IOException e) {
            throw new StoreException("write OCI layout to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a {@code docker save} archive (uncompressed tar) to {@code tarOut}, which is not
     * closed. Only names with a tag become {@code RepoTags}; an image without one loads untagged.
     */
    public static void writeDockerArchive(BlobStore store, List<NamedImage> images, OutputStream tarOut)
            throws StoreException {
        Path tmp = store.createTempDirectory("save");
        try {
            ArchiveTarWriter files = DockerArchiveWriter.files(store, checked(images), tmp);
            files.writeTo(tarOut);
        } catch (IOException e) {
            throw new StoreException("write docker archive: " + e.getMessage(), e);
        } finally {
            try {
                Directories.deleteRecursively(tmp);
            } catch (IOException ignored) {
                // removed with the dead writer's files by a later BlobStore.open
            }
        }
    }

    private static List<NamedImage> checked(List<NamedImage> images) {
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("no images to export");
        }
        return List.copyOf(images);
    }

    private static void writeFile(Path target, ArchiveTarWriter.Content content) throws IOException, StoreException {
        Files.createDirectories(target.getParent());
        try (var in = content.open();
             FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(java.nio.channels.Channels.newOutputStream(ch));
            ch.force(true);
        }
    }
}
