package io.jbuild.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageIndex;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole-image pull and push against docker-registry, and interop with skopeo in both directions. */
class PullPushIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static TestRegistry registry;
    private static RegistryClient client;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.start();
        client = RegistryClient.builder().build();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private ImageReference ref(String text) throws Exception {
        return ImageReference.parse(registry.host() + "/" + text);
    }

    @Test
    void pushThenPull_roundTrip_identicalManifestDigestAndSkipsStoredLayers() throws Exception {
        BlobStore source = BlobStore.open(temp.resolve("source"));
        TestImages.Image image = TestImages.image(source, "roundtrip", 4, 100_000);
        source.tag("roundtrip", image.manifest());
        TransferResult pushed = new Pusher(client, source, 3).push("roundtrip", ref("round/trip:v1"));
        assertEquals(image.manifest().digest(), pushed.descriptor().digest());
        assertEquals(5, pushed.transferred());

        TransferResult again = new Pusher(client, source, 3).push("roundtrip", ref("round/trip:v2"));
        assertEquals(5, again.skipped());
        assertEquals(0, again.transferred());

        BlobStore target = BlobStore.open(temp.resolve("target"));
        TransferResult pulled = new Puller(client, target, 3).pull(ref("round/trip:v1"), null, "rt");
        assertEquals(image.manifest().digest(), pulled.descriptor().digest());
        assertEquals(5, pulled.transferred());
        assertArrayEquals(image.manifestBytes(), target.readAll(image.manifest().digest()));
        assertEquals(image.manifest().digest(), target.resolve("rt").orElseThrow().digest());
        for (Descriptor layer : image.layers()) {
            assertArrayEquals(source.readAll(layer.digest()), target.readAll(layer.digest()));
        }
        TransferResult second = new Puller(client, target, 3).pull(ref("round/trip:v2"), null, null);
        assertEquals(0, second.transferred());
        assertEquals(5, second.skipped());
        assertTrue(target.resolve(registry.host() + "/round/trip:v2").isPresent());
    }

    @Test
    void pull_byDigest_tagsNameAtDigest() throws Exception {
        BlobStore source = BlobStore.open(temp.resolve("source"));
        TestImages.Image image = TestImages.image(source, "bydigest", 1, 1000);
        source.tag("d", image.manifest());
        new Pusher(client, source, 1).push("d", ref("by/digest:v1"));
        BlobStore target = BlobStore.open(temp.resolve("target"));
        ImageReference byDigest = ref("by/digest@" + image.manifest().digest());
        TransferResult pulled = new Puller(client, target, 1).pull(byDigest, null, null);
        assertEquals(image.manifest().digest(), pulled.descriptor().digest());
        assertEquals(image.manifest().digest(),
                target.resolve(registry.host() + "/by/digest@" + image.manifest().digest()).orElseThrow().digest());
    }

    @Test
    void pushThenPull_index_selectsPlatformAndPushesIndexLast() throws Exception {
        BlobStore source = BlobStore.open(temp.resolve("source"));
        List<Descriptor> entries = new ArrayList<>();
        for (String arch : List.of("amd64", "arm64")) {
            byte[] tar = TestImages.tar(java.util.Map.of("arch", arch.getBytes(StandardCharsets.UTF_8)));
            Descriptor layer = source.write(MediaType.OCI_LAYER_GZIP, TestImages.gzip(tar));
            TestImages.Image image = TestImages.image(source, List.of(layer), List.of(Digest.of(tar).toString()), arch);
            entries.add(image.manifest().withPlatform(Platform.of("linux", arch, arch.equals("arm64") ? "v8" : null)));
        }
        Descriptor index = source.write(MediaType.OCI_INDEX, Json.write(ImageIndex.of(entries)));
        TransferResult pushed = new Pusher(client, source, 2).push(index, ref("multi/arch:latest"), null);
        assertEquals(index.digest(), pushed.descriptor().digest());

        BlobStore target = BlobStore.open(temp.resolve("target"));
        TransferResult arm = new Puller(client, target, 2).pull(ref("multi/arch:latest"),
                Platform.parse("linux/arm64"), "arm");
        assertEquals(entries.get(1).digest(), arm.descriptor().digest());
        assertTrue(target.contains(index.digest()), "the index is kept too");
        NotFoundException e = assertThrows(NotFoundException.class, () -> new Puller(client, target, 2)
                .pull(ref("multi/arch:latest"), Platform.parse("linux/s390x"), "s390x"));
        assertTrue(e.getMessage().contains("linux/amd64"), e.getMessage());
    }

    @Test
    void push_imagePulledFromAnotherRepository_mountsItsBlobs() throws Exception {
        BlobStore source = BlobStore.open(temp.resolve("source"));
        TestImages.Image image = TestImages.image(source, "mountme", 2, 10_000);
        source.tag("m", image.manifest());
        new Pusher(client, source, 2).push("m", ref("origin/repo:v1"));
        BlobStore local = BlobStore.open(temp.resolve("local"));
        new Puller(client, local, 2).pull(ref("origin/repo:v1"), null, "pulled");
        TransferResult pushed = new Pusher(client, local, 2).push("pulled", ref("copy/repo:v1"));
        assertEquals(3, pushed.mounted());
        assertEquals(0, pushed.transferred());
    }

    @Test
    void skopeoPushesOciLayout_ourPull_identicalDigest() throws Exception {
        BlobStore layout = BlobStore.open(temp.resolve("layout"));
        TestImages.Image image = TestImages.busybox(layout);
        layout.tag("busybox", image.manifest());
        run("skopeo", "--policy", policy().toString(), "copy", "--dest-tls-verify=false",
                "oci:" + layout.root() + ":busybox", "docker://" + registry.host() + "/skopeo/busybox:1");
        BlobStore target = BlobStore.open(temp.resolve("target"));
        TransferResult pulled = new Puller(client, target, 2).pull(ref("skopeo/busybox:1"), null, "bb");
        assertEquals(image.manifest().digest(), pulled.descriptor().digest());
        assertTrue(target.contains(image.layers().get(0).digest()));
    }

    @Test
    void ourPush_skopeoInspectsAndCopiesBack_identicalDigest() throws Exception {
        BlobStore source = BlobStore.open(temp.resolve("source"));
        TestImages.Image image = TestImages.busybox(source);
        source.tag("busybox", image.manifest());
        new Pusher(client, source, 2).push("busybox", ref("ours/busybox:1"));

        String inspect = run("skopeo", "--policy", policy().toString(), "inspect", "--tls-verify=false",
                "docker://" + registry.host() + "/ours/busybox:1");
        assertEquals(image.manifest().digest().toString(), MAPPER.readTree(inspect).path("Digest").asText());

        Path back = temp.resolve("back");
        run("skopeo", "--policy", policy().toString(), "copy", "--src-tls-verify=false",
                "docker://" + registry.host() + "/ours/busybox:1", "oci:" + back + ":copy");
        JsonNode index = MAPPER.readTree(Files.readAllBytes(back.resolve("index.json")));
        assertEquals(image.manifest().digest().toString(), index.path("manifests").get(0).path("digest").asText());
    }

    private Path policy() throws Exception {
        Path policy = temp.resolve("policy.json");
        if (!Files.exists(policy)) {
            Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        }
        return policy;
    }

    private String run(String... command) throws Exception {
        Path out = Files.createTempFile(temp, "cmd", ".out");
        Path err = Files.createTempFile(temp, "cmd", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HOME", temp.toString());
        pb.environment().remove("REGISTRY_AUTH_FILE");
        pb.environment().remove("DOCKER_CONFIG");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + Files.readString(err));
        return Files.readString(out);
    }
}
