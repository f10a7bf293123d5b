package io.jbuild.builder;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.MediaType;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryClient;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * The base image of the build corpus ({@code testdata/builds}): Debian's static busybox with a
 * symlink per applet in {@code /bin}, a small {@code /etc/passwd} and {@code /etc/group} (users
 * {@code root}, {@code daemon}, {@code app} 1000:1000, {@code nobody}), {@code /tmp} (1777),
 * {@code /root}, {@code /home/app} and a tree under {@code /srv/base} that the whiteout cases
 * delete and replace. One gzip layer, built byte for byte the same on every run (mtime 0, entries
 * sorted), so the corpus generator (buildah) and the integration tests (jbuild) build on the very
 * same image. testdata/README.md lists the tree.
 */
public final class CorpusImages {
    /** The repository the base is pushed to in the test registry. */
    public static final String BASE_REPOSITORY = "corpus/busybox";
    public static final String BASE_TAG = "latest";
    public static final String PATH_ENV =
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final String BUSYBOX = "/bin/busybox";

    private CorpusImages() {
    }

    /** One entry of the base layer. */
    private record Entry(String path, char type, int mode, int uid, int gid, byte[] content, String link) {
    }

    /** Writes the base image (layer, config, manifest) into {@code store}; returns the manifest descriptor. */
    public static Descriptor base(BlobStore store) throws Exception {
        byte[] tar = baseLayerTar();
        Descriptor layer = store.write(MediaType.OCI_LAYER_GZIP, gzip(tar));
        String diffId = Digest.of(tar).toString();
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"config\":{\"Env\":[\"" + PATH_ENV + "\"],\"Cmd\":[\"sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]},"
                + "\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"jbuild corpus base: busybox-static\"}]}";
        Descriptor configDescriptor = store.write(MediaType.OCI_CONFIG, config.getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\","
                + "\"config\":" + json(configDescriptor) + ",\"layers\":[" + json(layer) + "]}";
        return store.write(MediaType.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the base into {@code store} and pushes it to {@code host}; returns the pushed reference. */
    public static String pushBase(BlobStore store, String host) throws Exception {
        Descriptor manifest = base(store);
        ImageReference ref = ImageReference.parse(host + "/" + BASE_REPOSITORY + ":" + BASE_TAG);
        new Pusher(RegistryClient.builder().build(), store, 2).push(manifest, ref, null);
        return ref.toString();
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    static byte[] baseLayerTar() throws IOException {
        TreeMap<String, Entry> entries = new TreeMap<>();
        dir(entries, "bin", 0755, 0, 0);
        file(entries, "bin/busybox", 0755, 0, 0, Files.readAllBytes(Path.of(BUSYBOX)));
        for (String applet : applets()) {
            if (!applet.equals("busybox")) {
                entries.put("bin/" + applet, new Entry("bin/" + applet, 'l', 0777, 0, 0, null, "busybox"));
            }
        }
        dir(entries, "etc", 0755, 0, 0);
        file(entries, "etc/passwd", 0644, 0, 0, (
                "root:x:0:0:root:/root:/bin/sh\n"
                + "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
                + "app:x:1000:1000:app:/home/app:/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n").getBytes(StandardCharsets.UTF_8));
        file(entries, "etc/group", 0644, 0, 0, (
                "root:x:0:\n"
                + "daemon:x:1:\n"
                + "staff:x:50:app\n"
                + "app:x:1000:\n"
                + "nogroup:x:65534:\n").getBytes(StandardCharsets.UTF_8));
        file(entries, "etc/hostname", 0644, 0, 0, "corpus\n".getBytes(StandardCharsets.UTF_8));
        // empty mount points, as real base images have them, so that no runtime leaves stubs in a layer
        file(entries, "etc/hosts", 0644, 0, 0, new byte[0]);
        file(entries, "etc/resolv.conf", 0644, 0, 0, new byte[0]);
        dir(entries, "dev", 0755, 0, 0);
        dir(entries, "proc", 0555, 0, 0);
        dir(entries, "sys", 0555, 0, 0);
        dir(entries, "run", 0755, 0, 0);
        dir(entries, "home", 0755, 0, 0);
        dir(entries, "home/app", 0755, 1000, 1000);
        dir(entries, "root", 0700, 0, 0);
        dir(entries, "tmp", 01777, 0, 0);
        dir(entries, "usr", 0755, 0, 0);
        dir(entries, "usr/bin", 0755, 0, 0);
        dir(entries, "usr/local", 0755, 0, 0);
        dir(entries, "usr/local/bin", 0755, 0, 0);
        dir(entries, "var", 0755, 0, 0);
        dir(entries, "srv", 0755, 0, 0);
        dir(entries, "srv/base", 0755, 0, 0);
        text(entries, "srv/base/keep.txt", "kept from the base\n");
        text(entries, "srv/base/delete-file.txt", "deleted by a RUN\n");
        dir(entries, "srv/base/delete-dir", 0755, 0, 0);
        text(entries, "srv/base/delete-dir/one.txt", "one\n");
        text(entries, "srv/base/delete-dir/two.txt", "two\n");
        dir(entries, "srv/base/delete-dir/nested", 0755, 0, 0);
        text(entries, "srv/base/delete-dir/nested/three.txt", "three\n");
        dir(entries, "srv/base/dir-to-file", 0755, 0, 0);
        text(entries, "srv/base/dir-to-file/inside.txt", "inside a dir that becomes a file\n");
        text(entries, "srv/base/file-to-dir", "a file that becomes a dir\n");
        dir(entries, "srv/base/opaque", 0755, 0, 0);
        text(entries, "srv/base/opaque/old1.txt", "old one\n");
        text(entries, "srv/base/opaque/old2.txt", "old two\n");
        dir(entries, "srv/base/opaque/oldsub", 0755, 0, 0);
        text(entries, "srv/base/opaque/oldsub/old3.txt", "old three\n");
        entries.put("srv/base/link-to-keep", new Entry("srv/base/link-to-keep", 'l', 0777, 0, 0, null, "keep.txt"));
        dir(entries, "srv/base/owned", 0750, 1000, 1000);
        file(entries, "srv/base/owned/app.conf", 0640, 1000, 1000, "owner=app\n".getBytes(StandardCharsets.UTF_8));
        return tar(entries);
    }

    private static List<String> applets() throws IOException {
        Process p = new ProcessBuilder(BUSYBOX, "--list").redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (p.waitFor() != 0) {
                throw new IOException(BUSYBOX + " --list exited with " + p.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + BUSYBOX + " --list", e);
        }
        List<String> applets = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && line.matches("[A-Za-z0-9._\\[\\]-]+")) {
                applets.add(line.trim());
            }
        }
        return applets;
    }

    private static void dir(TreeMap<String, Entry> entries, String path, int mode, int uid, int gid) {
        entries.put(path, new Entry(path, 'd', mode, uid, gid, null, null));
    }

    private static void file(TreeMap<String, Entry> entries, String path, int mode, int uid, int gid, byte[] content) {
        entries.put(path, new Entry(path, 'f', mode, uid, gid, content, null));
    }

    private static void text(TreeMap<String, Entry> entries, String path, String content) {
        file(entries, path, 0644, 0, 0, content.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] tar(TreeMap<String, Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries.values()) {
                TarArchiveEntry t;
                switch (e.type()) {
                    case 'd' -> t = new TarArchiveEntry(e.path() + "/", TarConstants.LF_DIR);
                    case 'l' -> {
                        t = new TarArchiveEntry(e.path(), TarConstants.LF_SYMLINK);
                        t.setLinkName(e.link());
                    }
                    default -> {
                        t = new TarArchiveEntry(e.path(), TarConstants.LF_NORMAL);
                        t.setSize(e.content().length);
                    }
                }
                t.setMode(e.mode());
                t.setIds(e.uid(), e.gid());
                t.setModTime(0);
                tar.putArchiveEntry(t);
                if (e.content() != null) {
                    tar.write(e.content());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
