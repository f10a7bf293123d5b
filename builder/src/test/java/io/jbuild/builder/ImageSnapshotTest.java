package io.jbuild.builder;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Layer;
import io.jbuild.layerstore.LayerWriter;
import io.jbuild.layerstore.MediaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageSnapshotTest {
    private static final String EMPTY = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String HELLO = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    @TempDir
    Path temp;

    private BlobStore store;
    private String owner;

    private Path dir(String name) throws IOException {
        return Files.createDirectories(temp.resolve(name));
    }

    private static void write(Path file, String content, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    private Descriptor image(String config, Path... layerDirs) throws Exception {
        StringBuilder diffIds = new StringBuilder();
        StringBuilder layers = new StringBuilder();
        LayerWriter writer = new LayerWriter(LayerWriter.Options.defaults().withThreads(1));
        for (Path d : layerDirs) {
            Layer layer = writer.write(d, store);
            diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(layer.diffId()).append('"');
            Descriptor l = layer.descriptor();
            layers.append(layers.length() == 0 ? "" : ",").append("{\"mediaType\":\"").append(l.mediaType())
                    .append("\",\"digest\":\"").append(l.digest()).append("\",\"size\":").append(l.size()).append('}');
        }
        String configJson = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":" + config
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]},\"history\":["
                + "{\"created_by\":\"a\"},{\"created_by\":\"b\",\"empty_layer\":true}]}";
        Descriptor c = store.write(MediaType.OCI_CONFIG, configJson.getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"" + MediaType.OCI_CONFIG + "\",\"digest\":\"" + c.digest() + "\",\"size\":" + c.size()
                + "},\"layers\":[" + layers + "]}";
        return store.write(MediaType.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
    }

    private void setUp() throws Exception {
        store = BlobStore.open(temp.resolve("store"));
        owner = Files.getAttribute(temp, "unix:uid") + ":" + Files.getAttribute(temp, "unix:gid");
    }

    /** Layer 1: files, a dir, a symlink, a hard link; layer 2: whiteouts, an opaque dir, a replaced file. */
    private Descriptor twoLayers() throws Exception {
        Path one = dir("one");
        write(one.resolve("a/keep.txt"), "hello\n", "rw-r--r--");
        write(one.resolve("a/gone.txt"), "", "rw-------");
        write(one.resolve("a/dir/old.txt"), "", "rw-r--r--");
        write(one.resolve("a/gonedir/inner.txt"), "", "rw-r--r--");
        write(one.resolve("replaced"), "hello\n", "rwxr-xr-x");
        Files.createSymbolicLink(one.resolve("link"), Path.of("a/keep.txt"));
        Files.createLink(one.resolve("a/hard.txt"), one.resolve("a/keep.txt"));
        Files.setPosixFilePermissions(one.resolve("a"), PosixFilePermissions.fromString("rwxr-x---"));
        Path two = dir("two");
        write(two.resolve("a/.wh.gone.txt"), "", "rw-r--r--");
        write(two.resolve("a/.wh.gonedir"), "", "rw-r--r--");
        write(two.resolve("a/dir/.wh..wh..opq"), "", "rw-r--r--");
        write(two.resolve("a/dir/new file.txt"), "", "rw-r--r--");
        Files.createDirectories(two.resolve("replaced/now-a-dir"));
        Files.setPosixFilePermissions(two.resolve("a"), PosixFilePermissions.fromString("rwxr-x---"));
        return image("{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"sh\"],\"Labels\":{\"io.buildah.version\":\"1.28\",\"b\":\"2\",\"a\":\"1\"},"
                + "\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Interval\":30000000000,\"Retries\":0},\"Volumes\":{}}", one, two);
    }

    @Test
    void load_layoutWithWhiteoutsAndOpaqueDir_mergesLayersInOrder() throws Exception {
        setUp();
        Descriptor manifest = twoLayers();
        store.tag("snap", manifest);
        String text = ImageSnapshot.load(temp.resolve("store"), "snap").render();
        String o = owner;
        assertEquals(String.join("\n",
                ImageSnapshot.FORMAT,
                "platform=linux/amd64",
                "config.User=null",
                "config.ExposedPorts=null",
                "config.Env=[\"PATH=/bin\"]",
                "config.Entrypoint=null",
                "config.Cmd=[\"sh\"]",
                "config.Volumes=null",
                "config.WorkingDir=null",
                "config.Labels={\"a\":\"1\",\"b\":\"2\"}",
                "config.StopSignal=null",
                "config.Healthcheck={\"Interval\":30000000000,\"Test\":[\"CMD\",\"true\"]}",
                "config.OnBuild=null",
                "config.Shell=null",
                "layers=2",
                "history=2 entries, 1 empty_layer",
                "files:",
                "/a d 0750 " + o + " - - -",
                "/a/dir d 0755 " + o + " - - -",
                "/a/dir/new\\x20file.txt f 0644 " + o + " 0 " + EMPTY + " -",
                "/a/hard.txt f 0644 " + o + " 6 " + HELLO + " -",
                "/a/keep.txt h 0644 " + o + " 6 " + HELLO + " /a/hard.txt",
                "/link l 0777 " + o + " - - a/keep.txt",
                "/replaced d 0755 " + o + " - - -",
                "/replaced/now-a-dir d 0755 " + o + " - - -",
                ""), text);
    }

    @Test
    void load_storeDescriptor_sameAsLayout() throws Exception {
        setUp();
        Descriptor manifest = twoLayers();
        store.tag("snap", manifest);
        assertEquals(ImageSnapshot.load(temp.resolve("store"), "snap"), ImageSnapshot.load(store, manifest));
    }

    @Test
    void render_againstBase_listsOnlyChangesAndDeletions() throws Exception {
        setUp();
        Path one = dir("one");
        write(one.resolve("etc/keep"), "hello\n", "rw-r--r--");
        write(one.resolve("etc/changed"), "hello\n", "rw-r--r--");
        write(one.resolve("etc/removed"), "", "rw-r--r--");
        Descriptor base = image("{}", one);
        Path two = dir("two");
        write(two.resolve("etc/changed"), "", "rw-r--r--");
        write(two.resolve("etc/.wh.removed"), "", "rw-r--r--");
        write(two.resolve("etc/added"), "hello\n", "rw-r--r--");
        Files.setPosixFilePermissions(two.resolve("etc"), Files.getPosixFilePermissions(one.resolve("etc")));
        Descriptor derived = image("{}", one, two);
        ImageSnapshot baseSnapshot = ImageSnapshot.load(store, base);
        ImageSnapshot snapshot = ImageSnapshot.load(store, derived);
        assertTrue(snapshot.isBasedOn(baseSnapshot));
        String files = snapshot.render(baseSnapshot);
        assertTrue(files.endsWith("files (changed from the base):\n"
                + "/etc/added f 0644 " + owner + " 6 " + HELLO + " -\n"
                + "/etc/changed f 0644 " + owner + " 0 " + EMPTY + " -\n"
                + "-/etc/removed\n"), files);
    }

    @Test
    void render_imageNotBuiltOnBase_listsEveryFile() throws Exception {
        setUp();
        Path one = dir("one");
        write(one.resolve("x"), "hello\n", "rw-r--r--");
        Path two = dir("two");
        write(two.resolve("y"), "hello\n", "rw-r--r--");
        ImageSnapshot base = ImageSnapshot.load(store, image("{}", one));
        ImageSnapshot other = ImageSnapshot.load(store, image("{}", two));
        assertFalse(other.isBasedOn(base));
        String text = other.render(base);
        assertTrue(text.endsWith("files:\n/y f 0644 " + owner + " 6 " + HELLO + " -\n"), text);
    }

    @Test
    void unified_changedLine_marksBothSides() {
        String diff = SnapshotDiff.unified("a\nb\nc\nd\n", "a\nB\nc\nd\n");
        assertEquals("--- expected\n+++ actual\n a\n-b\n+B\n c\n d\n", diff);
    }

    @Test
    void escape_spaceAndBackslash_hexEscaped() {
        assertEquals("a\\x20b\\x5cc", ImageSnapshot.escape("a b\\c"));
        assertEquals(List.of("/a/b", "/", "/x"), List.of(ImageSnapshot.normalisePath("./a/b/"),
                ImageSnapshot.normalisePath("./"), ImageSnapshot.normalisePath("/x")));
    }
}
