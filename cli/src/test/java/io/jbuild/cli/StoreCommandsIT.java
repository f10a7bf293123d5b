package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.Layer;
import io.jbuild.layerstore.LayerWriter;
import io.jbuild.layerstore.Manifest;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.OverlayMount;
import io.jbuild.layerstore.Platform;
import io.jbuild.layerstore.Stored;
import io.jbuild.layerstore.Whiteouts;
import io.jbuild.registry.TestImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's maintenance commands ({@code images}, {@code tag}, {@code rmi}, {@code inspect},
 * {@code unpack}, {@code mount}/{@code umount}, {@code diff}, {@code prune}) in process, on a store
 * holding {@link TestImages#busybox} and two images written with {@link LayerWriter}: {@code base}
 * (one layer) and {@code changed} (base plus a layer that deletes a file, replaces a directory with
 * a file and a file with a directory, makes a directory opaque, adds and changes files).
 */
class StoreCommandsIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BUSYBOX = "docker.io/library/busybox:latest";
    private static final String BASE = "docker.io/library/base:1";
    private static final String CHANGED = "docker.io/library/changed:1";

    @TempDir
    Path temp;

    private Path root;
    private BlobStore store;
    private TestImages.Image busybox;
    private Descriptor base;
    private Descriptor changed;
    private final List<Path> mounts = new ArrayList<>();

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!args[0].equals("umount")) {
            all.add(1, "--root");
            all.add(2, root.toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(all.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err),
                Environment.of(Map.of(), temp.resolve("home")));
        return new Result(exit, out.toString(), err.toString());
    }

    private Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    @BeforeEach
    void store() throws Exception {
        root = temp.resolve("store");
        store = BlobStore.open(root);
        busybox = TestImages.busybox(store);
        store.tag(BUSYBOX, busybox.manifest());

        Path l1 = Files.createDirectories(temp.resolve("l1"));
        Files.createDirectories(l1.resolve("etc"));
        Files.writeString(l1.resolve("etc/a.conf"), "a\n");
        Files.writeString(l1.resolve("etc/b.conf"), "b\n");
        Files.createDirectories(l1.resolve("olddir/sub"));
        Files.writeString(l1.resolve("olddir/z"), "z\n");
        Files.writeString(l1.resolve("olddir/sub/y"), "y\n");
        Files.writeString(l1.resolve("wasfile"), "file\n");
        Files.createDirectories(l1.resolve("data"));
        Files.writeString(l1.resolve("data/x"), "x\n");
        Files.writeString(l1.resolve("same"), "unchanged\n");
        Layer layer1 = new LayerWriter(LayerWriter.Options.defaults()).write(l1, store);

        Path l2 = Files.createDirectories(temp.resolve("l2")); // an overlay upper dir
        Files.createDirectories(l2.resolve("etc"));
        Whiteouts.createOverlayWhiteout(l2.resolve("etc/a.conf"));
        Files.writeString(l2.resolve("etc/b.conf"), "B\n");
        Files.writeString(l2.resolve("olddir"), "now a file\n");
        Files.createDirectories(l2.resolve("wasfile"));
        Files.writeString(l2.resolve("wasfile/inside"), "i\n");
        Files.createDirectories(l2.resolve("data"));
        Whiteouts.markOverlayOpaque(l2.resolve("data"));
        Files.writeString(l2.resolve("data/new"), "n\n");
        Files.createDirectories(l2.resolve("added/deep"));
        Files.writeString(l2.resolve("added/deep/f"), "f\n");
        Layer layer2 = new LayerWriter(LayerWriter.Options.defaults().withOverlay(true)).write(l2, store);

        String created = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        base = image(List.of(layer1), created);
        changed = image(List.of(layer1, layer2), created);
        store.tag(BASE, base);
        store.tag(CHANGED, changed);
    }

    @AfterEach
    void unmount() {
        for (Path m : mounts) {
            try {
                if (OverlayMount.isOverlayMount(m)) {
                    OverlayMount.unmount(m);
                }
            } catch (Exception e) {
                // reported by the test that mounted it
            }
        }
    }

    private Descriptor image(List<Layer> layers, String created) throws Exception {
        ImageConfig config = new ImageConfig(created, null, "amd64", "linux", null, null, null,
                new ImageConfig.ContainerConfig(null, null, List.of("PATH=/bin"), null, List.of("/bin/sh"), null,
                        "/", Map.of("k", "v"), null, null, null, null, null),
                ImageConfig.RootFs.of(layers.stream().map(Layer::diffId).toList()), List.of());
        Descriptor c = store.write(MediaType.OCI_CONFIG, Stored.of(config));
        Manifest m = Manifest.of(c, layers.stream().map(Layer::descriptor).toList());
        return store.write(MediaType.OCI_MANIFEST, Stored.of(m));
    }

    private String configDigest(Descriptor manifest) throws Exception {
        return store.readDocument(manifest.digest(), Manifest.class).value().config().digest().toString();
    }

    private static String shortId(String digest) {
        return digest.substring(7, 19);
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- images

    @Test
    void images_table_dockerColumnsNewestFirst() throws Exception {
        Result r = ok("images");
        List<String> lines = r.lines();
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(0).matches("REPOSITORY +TAG +IMAGE ID +CREATED +SIZE"), lines.get(0));
        assertTrue(lines.get(1).matches("base +1 +" + shortId(configDigest(base)) + " +3 hours ago +\\S+B"), r.out());
        assertTrue(lines.get(2).matches("changed +1 +" + shortId(configDigest(changed)) + " +3 hours ago +\\S+B"),
                r.out());
        long size = busybox.layers().get(0).size();
        assertTrue(lines.get(3).matches("busybox +latest +" + shortId(busybox.config().digest().toString())
                + " +N/A +" + java.util.regex.Pattern.quote(Units.size(size))), r.out());
        // columns line up
        int id = lines.get(0).indexOf("IMAGE ID");
        for (String line : lines.subList(1, lines.size())) {
            assertEquals(' ', line.charAt(id - 1), line);
            assertTrue(line.substring(id).matches("[0-9a-f]{12} .*"), line);
        }
    }

    @Test
    void images_digestsQuietAndJson_fullValues() throws Exception {
        Result digests = ok("images", "--digests");
        assertTrue(digests.lines().get(0).matches("REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE"), digests.out());
        assertTrue(digests.out().contains(busybox.manifest().digest().toString()), digests.out());

        Result quiet = ok("images", "-q");
        assertEquals(List.of(shortId(configDigest(base)), shortId(configDigest(changed)),
                shortId(busybox.config().digest().toString())), quiet.lines());

        Result json = ok("images", "--format", "json");
        assertEquals(3, json.lines().size(), json.out());
        JsonNode bb = MAPPER.readTree(json.lines().get(2));
        assertEquals("busybox", bb.get("Repository").asText());
        assertEquals("latest", bb.get("Tag").asText());
        assertEquals(busybox.config().digest().toString(), bb.get("ID").asText());
        assertEquals(busybox.manifest().digest().toString(), bb.get("Digest").asText());
        assertEquals(busybox.layers().get(0).size(), bb.get("Size").asLong());

        assertEquals(1, run("images", "--format", "table").exit());

        ok("tag", "busybox", "localhost:5000/tools/busybox:v2");
        assertEquals(2, ok("images", "busybox").lines().size(), "header and docker.io's busybox:latest");
        assertEquals(2, ok("images", "docker.io/library/busybox").lines().size());
        assertEquals(2, ok("images", "localhost:5000/tools/busybox:v2").lines().size());
        assertEquals(1, ok("images", "localhost:5000/tools/busybox:v1").lines().size());
        assertEquals(List.of(shortId(busybox.config().digest().toString())), ok("images", "-q", "busybox:latest").lines());
    }

    // ---------------------------------------------------------------- tag and rmi

    @Test
    void tag_shortName_normalisedAndListed() throws Exception {
        ok("tag", "busybox", "myrepo/bb:v1");
        ok("tag", shortId(configDigest(base)), "localhost:5000/base");
        assertEquals(busybox.manifest().digest(), store.resolve("docker.io/myrepo/bb:v1").orElseThrow().digest());
        assertEquals(base.digest(), store.resolve("localhost:5000/base:latest").orElseThrow().digest());
        Result images = ok("images");
        assertTrue(images.out().contains("myrepo/bb "), images.out());
        assertTrue(images.out().contains("localhost:5000/base "), images.out());

        Result missing = run("tag", "nothing", "x");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such image: nothing"), missing.err());
        assertEquals(1, run("tag", "busybox", "x@" + busybox.manifest().digest()).exit());
    }

    @Test
    void rmi_byNameById_untagsAndRefusesSharedIdWithoutForce() throws Exception {
        ok("tag", "busybox", "other:v2");
        String id = shortId(busybox.config().digest().toString());

        Result refused = run("rmi", id);
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("-f"), refused.err());
        assertTrue(store.resolve(BUSYBOX).isPresent());

        Result byName = ok("rmi", "other:v2");
        assertEquals(List.of("Untagged: other:v2"), byName.lines());
        Result byId = ok("rmi", id);
        assertEquals(List.of("Untagged: busybox:latest"), byId.lines());
        assertTrue(store.resolve(BUSYBOX).isEmpty());
        assertTrue(store.contains(busybox.manifest().digest()), "blobs stay until prune");

        ok("tag", "base:1", "again:1");
        Result forced = ok("rmi", "-f", base.digest().toString());
        assertEquals(List.of("Untagged: again:1", "Untagged: base:1"), forced.lines());

        Result missing = run("rmi", "nothing", "changed:1");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such image: nothing"), missing.err());
        assertEquals(List.of("Untagged: changed:1"), missing.lines(), "the other names are still removed");
    }

    // ---------------------------------------------------------------- inspect

    @Test
    void inspect_default_dockerStyleArray() throws Exception {
        ok("tag", "changed:1", "localhost:5000/team/changed:v9");
        Result r = ok("inspect", "changed:1", "busybox");
        assertTrue(r.out().startsWith("[\n    {\n        \"Id\": \"sha256:"), r.out());
        JsonNode array = MAPPER.readTree(r.out());
        assertEquals(2, array.size());
        JsonNode c = array.get(0);
        assertEquals(configDigest(changed), c.get("Id").asText());
        assertEquals(List.of("changed:1", "localhost:5000/team/changed:v9"), texts(c.get("RepoTags")));
        assertEquals(List.of("changed@" + changed.digest(), "localhost:5000/team/changed@" + changed.digest()),
                texts(c.get("RepoDigests")));
        assertEquals("amd64", c.get("Architecture").asText());
        assertEquals("linux", c.get("Os").asText());
        assertEquals("/bin/sh", c.get("Config").get("Cmd").get(0).asText());
        assertEquals("v", c.get("Config").get("Labels").get("k").asText());
        assertEquals("layers", c.get("RootFS").get("Type").asText());
        assertEquals(2, c.get("RootFS").get("Layers").size());
        Manifest m = store.readDocument(changed.digest(), Manifest.class).value();
        assertEquals(m.layers().get(0).size() + m.layers().get(1).size(), c.get("Size").asLong());
        assertEquals(List.of("busybox:latest"), texts(array.get(1).get("RepoTags")));
        assertEquals("", array.get(1).get("Created").asText());
    }

    @Test
    void inspect_manifestAndConfigFormats_exactBytes() throws Exception {
        Result manifest = ok("inspect", "--format", "manifest", "busybox");
        assertArrayEquals(busybox.manifestBytes(), manifest.out().getBytes(StandardCharsets.UTF_8));
        Result config = ok("inspect", "--format", "config", "busybox:latest");
        assertArrayEquals(store.readAll(busybox.config().digest()), config.out().getBytes(StandardCharsets.UTF_8));
        Result byDigest = ok("inspect", "--format", "manifest", busybox.manifest().digest().toString());
        assertEquals(manifest.out(), byDigest.out());
        assertEquals(2, run("inspect", "--format", "yaml", "busybox").exit(), "a usage error");
        Result missing = run("inspect", "nothing");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such image: nothing"), missing.err());
    }

    private static List<String> texts(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    // ---------------------------------------------------------------- unpack

    @Test
    void unpack_busybox_flattenedRootfs() throws Exception {
        Path dir = temp.resolve("bb");
        ok("unpack", "busybox", dir.toString());
        assertArrayEquals(Files.readAllBytes(Path.of("/bin/busybox")), Files.readAllBytes(dir.resolve("bin/busybox")));
        assertEquals("jbuild\n", Files.readString(dir.resolve("etc/hostname")));
        assertTrue(Files.isExecutable(dir.resolve("bin/busybox")));
    }

    @Test
    void unpack_layerDeletesAndReplaces_whiteoutsApplied() throws Exception {
        Path dir = temp.resolve("changed");
        ok("unpack", "changed:1", dir.toString());
        assertEquals(List.of("added", "added/deep", "added/deep/f", "data", "data/new", "etc", "etc/b.conf", "olddir",
                "same", "wasfile", "wasfile/inside"), tree(dir));
        assertEquals("B\n", Files.readString(dir.resolve("etc/b.conf")));
        assertEquals("now a file\n", Files.readString(dir.resolve("olddir")));

        Result again = run("unpack", "changed:1", dir.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("not empty"), again.err());
    }

    private static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
    }

    // ---------------------------------------------------------------- mount and umount

    @Test
    void mount_twoLayers_readOnlyMergedViewUntilUmount() throws Exception {
        assumeTrue(isRoot() && OverlayMount.isSupported(), "mounting overlayfs needs root");
        Path dir = temp.resolve("mnt");
        mounts.add(dir);
        Result r = ok("mount", "changed:1", dir.toString());
        assertEquals(List.of(dir.toAbsolutePath().normalize().toString()), r.lines());
        assertTrue(OverlayMount.isOverlayMount(dir));
        assertEquals(List.of("added", "added/deep", "added/deep/f", "data", "data/new", "etc", "etc/b.conf", "olddir",
                "same", "wasfile", "wasfile/inside"), tree(dir));
        assertThrows(IOException.class, () -> Files.writeString(dir.resolve("same"), "write"), "read-only");
        assertThrows(IOException.class, () -> Files.createFile(dir.resolve("new")), "read-only");

        ok("umount", dir.toString());
        assertFalse(OverlayMount.isOverlayMount(dir));
        assertEquals(List.of(), tree(dir));
        Result again = run("umount", dir.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("not an overlay mount point"), again.err());
    }

    @Test
    void mount_singleLayerBusybox_runsFromMount() throws Exception {
        assumeTrue(isRoot() && OverlayMount.isSupported(), "mounting overlayfs needs root");
        Path dir = temp.resolve("bbmnt");
        mounts.add(dir);
        ok("mount", "busybox", dir.toString());
        Process p = new ProcessBuilder(dir.resolve("bin/busybox").toString(), "echo", "from the mount")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("from the mount\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        ok("umount", dir.toString());
        assertEquals(1, run("umount", temp.toString()).exit());
    }

    // ---------------------------------------------------------------- diff

    @Test
    void diff_baseToChanged_dockerLines() throws Exception {
        Result r = ok("diff", "base:1", "changed:1");
        assertEquals(List.of(
                "A /added", "A /added/deep", "A /added/deep/f",
                "C /data", "A /data/new", "D /data/x",
                "C /etc", "D /etc/a.conf", "C /etc/b.conf",
                "C /olddir", "D /olddir/sub", "D /olddir/z",
                "C /wasfile", "A /wasfile/inside"), r.lines());
        assertEquals(List.of(), ok("diff", "changed:1", "changed:1").lines());
        List<String> reverse = ok("diff", "changed:1", "base:1").lines();
        assertTrue(reverse.contains("D /added"), reverse.toString());
        assertTrue(reverse.contains("A /etc/a.conf"), reverse.toString());
        List<String> other = ok("diff", "busybox", "base:1").lines();
        assertTrue(other.containsAll(List.of("D /bin", "A /same", "A /olddir/sub/y")), other.toString());
    }

    // ---------------------------------------------------------------- prune

    @Test
    void prune_afterRmi_deletesUnreachableKeepsTagged() throws Exception {
        Manifest changedManifest = store.readDocument(changed.digest(), Manifest.class).value();
        Descriptor layer2 = changedManifest.layers().get(1);
        String diffId0 = changedDiffId(0);
        String diffId1 = changedDiffId(1);
        String config = configDigest(changed);
        ok("unpack", "busybox", temp.resolve("u").toString());
        io.jbuild.layerstore.StoredImages.layerDirs(store,
                io.jbuild.layerstore.StoredImages.find(store, "changed:1", null).orElseThrow());
        ok("rmi", "changed:1");
        Files.writeString(root.resolve("tmp/999999999.dead.blob"), "x".repeat(5000));

        Result dry = ok("prune", "--dry-run");
        assertTrue(dry.out().contains("Would delete blob " + changed.digest()), dry.out());
        assertTrue(dry.out().contains("Would delete blob " + layer2.digest()), dry.out());
        assertTrue(dry.out().contains("Would delete blob " + config), dry.out());
        assertTrue(dry.out().contains("Would delete tmp/999999999.dead.blob (5kB)"), dry.out());
        assertTrue(dry.out().contains("Total reclaimable space: "), dry.out());
        assertTrue(store.contains(changed.digest()), "dry run deletes nothing");

        Result r = ok("prune");
        List<String> deleted = r.lines().stream().filter(l -> l.startsWith("Deleted ")).toList();
        assertEquals(5, deleted.size(), r.out()); // manifest, config, layer 2 blob, layer 2 dir, tmp file
        assertTrue(r.out().contains("Deleted layer dir " + diffId1), r.out());
        assertTrue(r.lines().get(r.lines().size() - 1).matches("Total reclaimed space: \\S+B"), r.out());
        assertFalse(store.contains(changed.digest()));
        assertFalse(store.contains(layer2.digest()));
        assertTrue(store.contains(changedManifest.layers().get(0).digest()), "base still uses layer 1");
        assertTrue(store.hasLayerDir(io.jbuild.layerstore.Digest.fromString(diffId0)), "base uses it");
        assertFalse(Files.exists(root.resolve("tmp/999999999.dead.blob")));

        // what is left still works, and a second prune finds nothing
        ok("unpack", "busybox", temp.resolve("u2").toString());
        ok("diff", "busybox", "base:1");
        Result again = ok("prune");
        assertEquals(List.of("Total reclaimed space: 0B"), again.lines());

        Result all = ok("prune", "-a");
        assertTrue(all.out().contains("Deleted layer dir " + diffId0), all.out());
        assertTrue(store.contains(changedManifest.layers().get(0).digest()));
    }

    private String changedDiffId(int i) throws Exception {
        return store.readDocument(io.jbuild.layerstore.Digest.fromString(configDigest(changed)), ImageConfig.class)
                .value().rootfs().diffIds().get(i).toString();
    }

    @Test
    void prune_storeOpenInOtherProcess_deletesOnlyDeadTmpFiles() throws Exception {
        ok("rmi", "changed:1");
        Process holder = StoreHolder.start(root);
        Files.writeString(root.resolve("tmp/999999999.dead.blob"), "x");
        try {
            Result r = ok("prune");
            assertEquals(List.of("Deleted tmp/999999999.dead.blob (1B)", "Total reclaimed space: 1B"), r.lines());
            assertTrue(r.err().contains("another jbuild process has the store open"), r.err());
            assertTrue(store.contains(changed.digest()));
        } finally {
            holder.destroy();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        Result after = ok("prune");
        assertTrue(after.out().contains("Deleted blob " + changed.digest()), after.out());
    }

    @Test
    void prune_mountedUntaggedImage_keepsItsLayerDirs() throws Exception {
        assumeTrue(isRoot() && OverlayMount.isSupported(), "mounting overlayfs needs root");
        Path dir = temp.resolve("mnt");
        mounts.add(dir);
        ok("mount", "changed:1", dir.toString());
        String diffId = changedDiffId(1);
        ok("rmi", "changed:1");
        Result r = ok("prune");
        assertTrue(r.out().contains("Kept layer dir " + diffId + " (mounted)"), r.out());
        assertEquals("B\n", Files.readString(dir.resolve("etc/b.conf")));
        ok("umount", dir.toString());
        Result after = ok("prune");
        assertTrue(after.out().contains("Deleted layer dir " + diffId), after.out());
        assertNotEquals(0, after.lines().size());
        assertFalse(Files.exists(dir.resolve("etc"), LinkOption.NOFOLLOW_LINKS));
    }
}
