package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Images written into a store for the tests: layers from files or from tar entries, config, manifest. */
final class TestStoreImages {
    private TestStoreImages() {
    }

    /** A layer of regular files ({@code path -> content}; a path ending in / is a directory) written by LayerWriter. */
    static Layer layer(BlobStore store, Path scratch, Map<String, String> files) throws IOException, StoreException {
        Path dir = Files.createTempDirectory(scratch, "layer");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            if (f.getKey().endsWith("/")) {
                Files.createDirectories(p);
            } else {
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
            }
        }
        return new LayerWriter(LayerWriter.Options.defaults()).write(dir, store);
    }

    /** A tar entry for {@link #tarLayer}: type '0' file, '5' dir, '1' hardlink, '2' symlink, 'p' fifo. */
    record Entry(String name, char type, String content, int mode) {
        static Entry file(String name, String content) {
            return new Entry(name, '0', content, 0644);
        }

        static Entry dir(String name) {
            return new Entry(name, '5', null, 0755);
        }

        static Entry whiteout(String name) {
            return new Entry(name, '0', "", 0644);
        }
    }

    /** A gzip layer made of exactly these tar entries (whiteouts included), in this order. */
    static Layer tarLayer(BlobStore store, Entry... entries) throws IOException, StoreException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                byte flag = switch (e.type()) {
                    case '5' -> TarConstants.LF_DIR;
                    case '1' -> TarConstants.LF_LINK;
                    case '2' -> TarConstants.LF_SYMLINK;
                    case 'p' -> TarConstants.LF_FIFO;
                    default -> TarConstants.LF_NORMAL;
                };
                TarArchiveEntry entry = new TarArchiveEntry(e.name(), flag, true);
                entry.setMode(e.mode());
                entry.setModTime(0);
                byte[] data = new byte[0];
                if (e.type() == '1' || e.type() == '2') {
                    entry.setLinkName(e.content());
                } else if (e.content() != null) {
                    data = e.content().getBytes(StandardCharsets.UTF_8);
                    entry.setSize(data.length);
                }
                tar.putArchiveEntry(entry);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        byte[] tar = bytes.toByteArray();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar);
        }
        Descriptor d = store.write(MediaType.OCI_LAYER_GZIP, gz.toByteArray());
        return new Layer(d, Digest.of(tar));
    }

    /** Writes config and manifest of an image with these layers; returns the manifest descriptor. */
    static Descriptor image(BlobStore store, String architecture, List<Layer> layers) throws StoreException {
        ImageConfig config = new ImageConfig("2026-01-02T03:04:05Z", null, architecture, "linux", null, null, null,
                ImageConfig.ContainerConfig.empty(), ImageConfig.RootFs.of(layers.stream().map(Layer::diffId).toList()),
                List.of());
        Descriptor c = store.write(MediaType.OCI_CONFIG, Stored.of(config));
        return store.write(MediaType.OCI_MANIFEST, Stored.of(Manifest.of(c, layers.stream().map(Layer::descriptor).toList())));
    }

    static Map<String, String> files(String... pathsAndContents) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            map.put(pathsAndContents[i], pathsAndContents[i + 1]);
        }
        return map;
    }
}
