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
        return image(store, layers, config);
    }

    static Image image(BlobStore store, List<Descriptor> layers, String config) throws Exception {
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

    /** The /etc/passwd of the busybox image (as Docker Hub's busybox has it). */
    public static final String BUSYBOX_PASSWD = "root:x:0:0:root:/root:/bin/sh\n"
            + "daemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\n"
            + "sys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\n"
            + "mail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\n"
            + "operator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
    /** The /etc/group of the busybox image. */
    public static final String BUSYBOX_GROUP = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\n"
            + "tty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:8:\nwww-data:x:33:\noperator:x:37:\n"
            + "staff:x:50:\nusers:x:100:\nnogroup:x:65534:\n";

    /**
     * A busybox image from the host's /bin/busybox (Debian busybox-static), one gzip layer laid out
     * as Docker Hub's busybox: every applet a symlink in /bin, /etc/passwd and /etc/group, /tmp,
     * /root, /home, /var; config Env PATH and Cmd ["sh"]. Same bytes every time on one host.
     */
    public static Image busybox(BlobStore store) throws Exception {
        byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
        java.util.TreeSet<String> applets = new java.util.TreeSet<>();
        Process list = new ProcessBuilder("/bin/busybox", "--list").redirectErrorStream(true).start();
        for (String line : new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.strip().equals("busybox")) {
                applets.add(line.strip());
            }
        }
        list.waitFor();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            dir(tar, "bin/", 0755);
            file(tar, "bin/busybox", busybox, 0755);
            for (String applet : applets) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                link.setMode(0777);
                link.setModTime(0);
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
            dir(tar, "dev/", 0755);
            dir(tar, "etc/", 0755);
            file(tar, "etc/group", BUSYBOX_GROUP.getBytes(StandardCharsets.UTF_8), 0644);
            file(tar, "etc/hostname", "jbuild\n".getBytes(StandardCharsets.UTF_8), 0644);
            file(tar, "etc/passwd", BUSYBOX_PASSWD.getBytes(StandardCharsets.UTF_8), 0644);
            dir(tar, "home/", 0755);
            dir(tar, "proc/", 0755);
            dir(tar, "root/", 0700);
            dir(tar, "sys/", 0755);
            dir(tar, "tmp/", 01777);
            dir(tar, "usr/", 0755);
            dir(tar, "usr/sbin/", 0755);
            dir(tar, "var/", 0755);
            dir(tar, "var/spool/", 0755);
            dir(tar, "var/spool/mail/", 0755);
            dir(tar, "var/www/", 0755);
        }
        byte[] tar = bytes.toByteArray();
        Descriptor layer = store.write(MediaType.OCI_LAYER_GZIP, gzip(tar));
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/usr/local/sbin:"
                + "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\"" + Digest.of(tar) + "\"]},\"history\":[{\"created_by\":\"busybox from the host's "
                + "/bin/busybox\"}]}";
        return image(store, List.of(layer), config);
    }

    private static void dir(TarArchiveOutputStream tar, String name, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(040000 | mode);
        entry.setModTime(0);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setMode(0100000 | mode);
        entry.setModTime(0);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    static String descriptorJson(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }
}
