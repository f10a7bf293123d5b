package io.jbuild.registry;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.MediaType;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Small test images built in memory and written into a {@link BlobStore}. */
public final class TestImages {
    private TestImages() {
    }

    /** A stored image: the manifest descriptor, the exact manifest bytes, and its blobs. */
    public record Image(Descriptor manifest, byte[] manifestBytes, Descriptor config, List<Descriptor> layers) {
    }

    static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(files).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                entry.setMode(e.getKey().startsWith("bin/") ? 0755 : 0644);
                entry.setModTime(0);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** An image of {@code layerCount} gzip layers of about {@code layerSize} random-ish bytes each. */
    public static Image image(BlobStore store, String name, int layerCount, int layerSize) throws Exception {
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        java.util.Random random = new java.util.Random(name.hashCode());
        for (int i = 0; i < layerCount; i++) {
            byte[] content = new byte[layerSize];
            random.nextBytes(content);
            byte[] tar = tar(Map.of("data/" + name + "-" + i + ".bin", content,
                    "etc/" + name + "-" + i + ".txt", ("layer " + i + " of " + name + "\n").getBytes(StandardCharsets.UTF_8)));
            diffIds.add(Digest.of(tar).toString());
            layers.add(store.write(MediaType.OCI_LAYER_GZIP, gzip(tar)));
        }
        return image(store, layers, diffIds, "amd64");
    }

    static Image image(BlobStore store, List<Descriptor> layers, List<String> diffIds, String arch) throws Exception {
        String config = "{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",",
                diffIds.stream().map(d -> "\"" + d + "\"").toList()) + "]}}";
        Descriptor configDescriptor = store.write(MediaType.OCI_CONFIG, config.getBytes(StandardCharsets.UTF_8));
        StringBuilder m = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"").append(MediaType.OCI_MANIFEST)
                .append("\",\"config\":").append(descriptorJson(configDescriptor)).append(",\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            m.append(i == 0 ? "" : ",").append(descriptorJson(layers.get(i)));
        }
        m.append("]}\n"); // trailing newline: bytes must travel exactly, not re-serialised
        byte[] bytes = m.toString().getBytes(StandardCharsets.UTF_8);
        Descriptor manifest = store.write(MediaType.OCI_MANIFEST, bytes);
        return new Image(manifest, bytes, configDescriptor, layers);
    }

    /** A busybox image from the host's /bin/busybox (Debian busybox-static), one gzip layer. */
    public static Image busybox(BlobStore store) throws Exception {
        byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
        byte[] tar = tar(Map.of("bin/busybox", busybox, "etc/hostname", "jbuild\n".getBytes(StandardCharsets.UTF_8)));
        Descriptor layer = store.write(MediaType.OCI_LAYER_GZIP, gzip(tar));
        return image(store, List.of(layer), List.of(Digest.of(tar).toString()), "amd64");
    }

    static String descriptorJson(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }
}
