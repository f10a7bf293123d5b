package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.StoredImages;
import io.jbuild.registry.TestImages;
import io.jbuild.registry.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbuild save}, {@code load} and {@code fsck} against the real tools: skopeo and umoci read
 * what save writes, load reads what skopeo writes from a docker-registry, hostile and truncated
 * archives are refused, and a load killed with SIGKILL leaves a store that fsck finds clean.
 */
class ImageArchivesIT {
    private static final Path JAR = Path.of("target", "jbuild.jar");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BUSYBOX = "docker.io/library/busybox:latest";
    private static TestRegistry registry;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws IOException {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    record Result(int exit, String out, String err) {
    }

    private Environment env() {
        return Environment.of(Map.of("DOCKER_CONFIG", temp.resolve("docker").toString()), temp.resolve("home"));
    }

    private Result jbuild(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err), env());
        return new Result(exit, out.toString(), err.toString());
    }

    private static Result tool(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        drain.join();
        return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    private static Result ok(Result r) {
        assertEquals(0, r.exit(), r.out() + r.err());
        return r;
    }

    /** A store holding the busybox image of TestImages, tagged {@code docker.io/library/busybox:latest}. */
    private TestImages.Image busyboxStore(Path root) throws Exception {
        BlobStore store = BlobStore.open(root);
        TestImages.Image image = TestImages.busybox(store);
        store.tag(BUSYBOX, image.manifest());
        return image;
    }

    private static String root(Path p) {
        return p.toString();
    }

    private static byte[] busyboxBinary() throws IOException {
        return Files.readAllBytes(Path.of("/bin/busybox"));
    }

    /** The busybox image in {@code root} found by {@code ref}: config digest and the unpacked /bin/busybox. */
    private static StoredImages.Image found(Path root, String ref) throws Exception {
        BlobStore store = BlobStore.open(root);
        StoredImages.Image image = StoredImages.find(store, ref, null).orElseThrow(() -> new AssertionError(ref));
        Path layer = StoredImages.layerDirs(store, image).get(0);
        assertArrayEquals(busyboxBinary(), Files.readAllBytes(layer.resolve("bin/busybox")));
        return image;
    }

    private void assertFsckClean(Path root) {
        Result fsck = jbuild("fsck", "--root", root(root));
        assertEquals(0, fsck.exit(), fsck.out() + fsck.err());
        assertTrue(fsck.out().contains("no damage"), fsck.out());
    }

    // ------------------------------------------------------------------ tools read what save writes

    @Test
    void saveOci_readBySkopeoAndUmoci_sameDigestAndBusyboxInRootfs() throws Exception {
        Path store = temp.resolve("store");
        TestImages.Image image = busyboxStore(store);
        Path archive = temp.resolve("busybox-oci.tar");
        ok(jbuild("save", "--root", root(store), "--format", "oci", "-o", archive.toString(), "busybox"));

        JsonNode fromArchive = MAPPER.readTree(ok(tool("skopeo", "inspect", "oci-archive:" + archive + ":latest")).out());
        assertEquals(image.manifest().digest().toString(), fromArchive.path("Digest").asText());

        Path layout = Files.createDirectories(temp.resolve("layout"));
        ok(jbuild("save", "--root", root(store), "--format", "oci", "-o", layout.toString(), "busybox"));
        JsonNode fromDir = MAPPER.readTree(ok(tool("skopeo", "inspect", "oci:" + layout + ":latest")).out());
        assertEquals(image.manifest().digest().toString(), fromDir.path("Digest").asText());
        JsonNode index = MAPPER.readTree(layout.resolve("index.json").toFile());
        assertEquals(BUSYBOX, index.path("manifests").get(0).path("annotations").path("io.containerd.image.name").asText());

        Path bundle = temp.resolve("bundle");
        ok(tool("umoci", "unpack", "--image", layout + ":latest", bundle.toString()));
        assertArrayEquals(busyboxBinary(), Files.readAllBytes(bundle.resolve("rootfs/bin/busybox")));
        assertTrue(Files.isRegularFile(bundle.resolve("config.json")));
    }

    @Test
    void saveDocker_readBySkopeo_sameConfig() throws Exception {
        Path store = temp.resolve("store");
        TestImages.Image image = busyboxStore(store);
        Path archive = temp.resolve("busybox-docker.tar");
        ok(jbuild("save", "--root", root(store), "-o", archive.toString(), "busybox:latest"));
        JsonNode config = MAPPER.readTree(ok(tool("skopeo", "inspect", "--config",
                "docker-archive:" + archive + ":busybox:latest")).out());
        assertEquals("amd64", config.path("architecture").asText());
        Path copy = temp.resolve("copied");
        ok(tool("skopeo", "copy", "docker-archive:" + archive + ":busybox:latest", "oci:" + copy + ":x"));
        JsonNode copied = MAPPER.readTree(ok(tool("skopeo", "inspect", "oci:" + copy + ":x")).out());
        assertEquals(1, copied.path("Layers").size());
        String configDigest = MAPPER.readTree(ok(tool("skopeo", "inspect", "--raw", "oci:" + copy + ":x")).out())
                .path("config").path("digest").asText();
        assertEquals(image.config().digest().toString(), configDigest);
    }

    // ------------------------------------------------------------------ load reads what skopeo writes

    @Test
    void load_skopeoOciArchiveAndDockerArchiveFromRegistry_sameConfigAndContent() throws Exception {
        Path source = temp.resolve("source");
        TestImages.Image image = busyboxStore(source);
        String remote = registry.host() + "/busybox:latest";
        BlobStore.open(source).tag(remote, image.manifest());
        ok(jbuild("push", "-q", "--root", root(source), remote));

        Path ociArchive = temp.resolve("x.tar");
        ok(tool("skopeo", "copy", "--src-tls-verify=false", "docker://" + remote, "oci-archive:" + ociArchive));
        Path ociStore = temp.resolve("oci-store");
        Result loadOci = ok(jbuild("load", "--root", root(ociStore), "-i", ociArchive.toString()));
        assertTrue(loadOci.out().startsWith("Loaded image ID: sha256:"), loadOci.out());
        String digest = loadOci.out().strip().substring("Loaded image ID: ".length());
        assertEquals(image.config().digest(), found(ociStore, digest).config().digest());
        assertFsckClean(ociStore);

        Path dockerArchive = temp.resolve("y.tar");
        ok(tool("skopeo", "copy", "--src-tls-verify=false", "docker://" + remote,
                "docker-archive:" + dockerArchive + ":busybox:latest"));
        Path dockerStore = temp.resolve("docker-store");
        Result loadDocker = ok(jbuild("load", "--root", root(dockerStore), "-i", dockerArchive.toString()));
        assertEquals("Loaded image: busybox:latest\n", loadDocker.out());
        assertEquals(image.config().digest(), found(dockerStore, "busybox").config().digest());
        assertFsckClean(dockerStore);

        Path namedArchive = temp.resolve("named.tar");
        ok(tool("skopeo", "copy", "--src-tls-verify=false", "docker://" + remote,
                "oci-archive:" + namedArchive + ":example.com/team/busybox:v2"));
        Result loadNamed = ok(jbuild("load", "-q", "--root", root(ociStore), "-i", namedArchive.toString()));
        assertEquals("example.com/team/busybox:v2\n", loadNamed.out());
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void saveThenLoad_bothFormats_sameImage() throws Exception {
        Path source = temp.resolve("source");
        TestImages.Image image = busyboxStore(source);
        for (String format : List.of("docker", "oci")) {
            Path archive = temp.resolve("round-" + format + ".tar.gz");
            ok(jbuild("save", "--root", root(source), "--format", format, "-o", archive.toString(), BUSYBOX));
            Path target = temp.resolve("target-" + format);
            Result load = ok(jbuild("load", "--root", root(target), "-i", archive.toString()));
            assertEquals("Loaded image: busybox:latest\n", load.out(), format);
            StoredImages.Image loaded = found(target, "busybox");
            assertEquals(image.config().digest(), loaded.config().digest(), format);
            if (format.equals("oci")) {
                assertEquals(image.manifest().digest(), loaded.descriptor().digest());
            }
            assertFsckClean(target);
        }
    }

    @Test
    void load_standardInput_loadsLikeDockerLoad() throws Exception {
        Path source = temp.resolve("source");
        TestImages.Image image = busyboxStore(source);
        Path archive = temp.resolve("stdin.tar");
        ok(jbuild("save", "--root", root(source), "-o", archive.toString(), "busybox"));
        Path target = temp.resolve("target");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"load", "--root", root(target)}, new PrintWriter(out), new PrintWriter(err),
                env().withStdin(Files.newInputStream(archive)));
        assertEquals(0, exit, err.toString());
        assertEquals("Loaded image: busybox:latest\n", out.toString());
        assertEquals(image.config().digest(), found(target, BUSYBOX).config().digest());

        Result missing = jbuild("load", "--root", root(target), "-i", temp.resolve("nope.tar").toString());
        assertEquals(1, missing.exit());
        assertEquals("error: load " + temp.resolve("nope.tar") + ": no such file or directory\n", missing.err());
    }

    @Test
    void save_unknownImage_oneLineErrorAndNoFile() throws Exception {
        Path archive = temp.resolve("none.tar");
        Result save = jbuild("save", "--root", root(temp.resolve("s")), "-o", archive.toString(), "nothing:here");
        assertEquals(1, save.exit());
        assertEquals("error: save nothing:here: no such image in the store\n", save.err());
        assertFalse(Files.exists(archive));
    }

    // ------------------------------------------------------------------ hostile and broken archives

    private static void entry(TarArchiveOutputStream tar, TarArchiveEntry entry, byte[] data) throws IOException {
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    @Test
    void load_archiveWithDotDotEntry_refusedNothingTagged() throws Exception {
        Path store = temp.resolve("store");
        busyboxStore(store);
        Path archive = temp.resolve("good.tar");
        ok(jbuild("save", "--root", root(store), "-o", archive.toString(), "busybox"));
        Path hostile = temp.resolve("hostile.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(hostile))) {
            entry(tar, new TarArchiveEntry("../../evil.json"), "{}".getBytes(StandardCharsets.UTF_8));
            try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(archive))) {
                for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    entry(tar, e, in.readAllBytes());
                }
            }
        }
        Path target = temp.resolve("target");
        Result load = jbuild("load", "--root", root(target), "-i", hostile.toString());
        assertEquals(1, load.exit());
        assertEquals("error: extract entry \"../../evil.json\": the path leaves the archive (\"..\")\n", load.err());
        assertEquals(List.of(), BlobStore.open(target).list());
        assertFalse(Files.exists(temp.getParent().resolve("evil.json")));
        assertFsckClean(target);
    }

    @Test
    void load_symlinkEscape_refusedNothingTagged() throws Exception {
        Path hostile = temp.resolve("symlink.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(hostile))) {
            TarArchiveEntry link = new TarArchiveEntry("manifest.json", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("../../../etc/shadow");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        Path target = temp.resolve("target");
        Result load = jbuild("load", "--root", root(target), "-i", hostile.toString());
        assertEquals(1, load.exit());
        assertTrue(load.err().startsWith("error: extract entry \"manifest.json\": symlink to \"../../../etc/shadow\" "
                + "leaves the archive"), load.err());
        assertEquals(List.of(), BlobStore.open(target).list());
    }

    @Test
    void load_truncatedArchive_errorAndFsckClean() throws Exception {
        Path store = temp.resolve("store");
        busyboxStore(store);
        for (String format : List.of("docker", "oci")) {
            Path archive = temp.resolve("full-" + format + ".tar");
            ok(jbuild("save", "--root", root(store), "--format", format, "-o", archive.toString(), "busybox"));
            byte[] bytes = Files.readAllBytes(archive);
            Path cut = temp.resolve("cut-" + format + ".tar");
            Files.write(cut, Arrays.copyOf(bytes, bytes.length * 2 / 3));
            Path target = temp.resolve("target-" + format);
            Result load = jbuild("load", "--root", root(target), "-i", cut.toString());
            assertEquals(1, load.exit(), format + ": " + load.out());
            assertTrue(load.err().startsWith("error: load " + cut), load.err());
            assertEquals(1, load.err().strip().lines().count(), load.err());
            assertEquals(List.of(), BlobStore.open(target).list());
            assertFsckClean(target);
        }
    }

    @Test
    void fsck_corruptBlob_exit1NamingIt() throws Exception {
        Path store = temp.resolve("store");
        TestImages.Image image = busyboxStore(store);
        Path blob = store.resolve("blobs/sha256/" + image.layers().get(0).digest().encoded());
        byte[] bytes = Files.readAllBytes(blob);
        bytes[100] ^= 1;
        Files.write(blob, bytes);
        Result fsck = jbuild("fsck", "--root", root(store));
        assertEquals(1, fsck.exit(), fsck.out());
        assertTrue(fsck.out().startsWith("damage: corrupt blob: " + blob + ": content has digest sha256:"), fsck.out());
        assertTrue(fsck.out().contains("used by manifest " + image.manifest().digest() + " of tag " + BUSYBOX),
                fsck.out());
        assertTrue(fsck.out().endsWith(": 1 damaged\n"), fsck.out());

        Files.write(blob, Files.readAllBytes(blob)); // unchanged content: still corrupt, deep adds nothing new
        Result deep = jbuild("fsck", "--deep", "--root", root(store));
        assertEquals(1, deep.exit(), deep.out());
        assertTrue(deep.out().endsWith(": 1 damaged\n"), deep.out());
    }

    // ------------------------------------------------------------------ SIGKILL half way

    /** A docker archive of one image whose single layer holds {@code size} bytes of pseudo-random data. */
    private static void bigDockerArchive(Path archive, Path work, long size) throws Exception {
        Path layer = work.resolve("layer.tar");
        java.util.Random random = new java.util.Random(42);
        byte[] chunk = new byte[1 << 20];
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream raw = new java.security.DigestOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(layer), 1 << 16), sha);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(raw)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry e = new TarArchiveEntry("big.bin");
            e.setSize(size);
            tar.putArchiveEntry(e);
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                // half random, half zeros: compressible enough to be quick, big enough to take a while
                Arrays.fill(chunk, chunk.length / 2, chunk.length, (byte) 0);
                tar.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
            tar.closeArchiveEntry();
        }
        String diffId = "sha256:" + HexFormat.of().formatHex(sha.digest());
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8);
        String configName = Digest.of(config).encoded() + ".json";
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(archive), 1 << 16))) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            entry(tar, new TarArchiveEntry(configName), config);
            TarArchiveEntry e = new TarArchiveEntry("big/layer.tar");
            e.setSize(Files.size(layer));
            tar.putArchiveEntry(e);
            Files.copy(layer, tar);
            tar.closeArchiveEntry();
            entry(tar, new TarArchiveEntry("manifest.json"), ("[{\"Config\":\"" + configName
                    + "\",\"RepoTags\":[\"big:v1\"],\"Layers\":[\"big/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8));
        }
        Files.delete(layer);
    }

    private static long tmpBytes(Path root) throws IOException {
        Path tmp = root.resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private Process jarLoad(Path root, Path archive) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "load", "--root", root.toString(), "-i",
                archive.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JBUILD_ROOT");
        return pb.redirectOutput(temp.resolve("jar.out").toFile()).redirectError(temp.resolve("jar.err").toFile()).start();
    }

    @Test
    void load_killedHalfWay_fsckCleanAndRetryCompletes() throws Exception {
        Path archive = temp.resolve("big.tar");
        long size = 300L << 20;
        bigDockerArchive(archive, temp, size);
        Path root = temp.resolve("store");

        Process load = jarLoad(root, archive);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long seen = 0;
        while (load.isAlive() && System.nanoTime() < deadline) {
            seen = tmpBytes(root);
            if (seen > 10L << 20) {
                break;
            }
            Thread.sleep(5);
        }
        assertTrue(load.isAlive(), "load ended before it could be killed: " + Files.readString(temp.resolve("jar.err")));
        assertTrue(seen > 10L << 20, "tmp/ never grew: " + seen);
        load.toHandle().destroyForcibly(); // SIGKILL
        assertTrue(load.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, load.exitValue());
        assertTrue(tmpBytes(root) > 0, "the killed writer's partial blob is in tmp/");

        Result fsck = jbuild("fsck", "--root", root(root));
        assertEquals(0, fsck.exit(), fsck.out() + fsck.err());
        assertTrue(fsck.out().contains("info: stale temp: "), fsck.out());
        assertEquals(0, tmpBytes(root));
        assertEquals(List.of(), BlobStore.open(root).list(), "nothing tagged");

        Process retry = jarLoad(root, archive);
        assertTrue(retry.waitFor(300, TimeUnit.SECONDS), "retried load did not finish");
        assertEquals(0, retry.exitValue(), Files.readString(temp.resolve("jar.err")));
        assertEquals("Loaded image: big:v1\n", Files.readString(temp.resolve("jar.out")));
        Result after = jbuild("fsck", "--deep", "--root", root(root));
        assertEquals(0, after.exit(), after.out());
        assertEquals("checked " + root + ": no damage\n", after.out());
        StoredImages.Image big = StoredImages.find(BlobStore.open(root), "big:v1", null).orElseThrow();
        assertEquals(1, big.manifest().layers().size());
    }
}
