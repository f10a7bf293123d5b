package io.jbuild.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.Layer;
import io.jbuild.layerstore.LayerWriter;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.StoredImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An image with a zstd layer travels through our push and pull, and skopeo (Go's zstd decoder) reads it. */
class ZstdPullPushIT {
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

    @Test
    void zstdLayer_pushPullAndSkopeoDecompresses_sameDigestsAndDiffId() throws Exception {
        BlobStore source = BlobStore.open(temp.resolve("source"));
        Path tree = Files.createDirectories(temp.resolve("tree/etc"));
        Files.writeString(tree.resolve("motd"), "zstd layer\n".repeat(100));
        Files.createSymbolicLink(tree.resolve("link"), Path.of("motd"));
        Layer layer = new LayerWriter(LayerWriter.Options.defaults().withCompression(LayerWriter.Compression.ZSTD)
                .withSourceDateEpoch(0L)).write(tree.getParent(), source);
        TestImages.Image image = TestImages.image(source, List.of(layer.descriptor()),
                List.of(layer.diffId().toString()), "amd64");
        source.tag("z", image.manifest());
        ImageReference ref = ImageReference.parse(registry.host() + "/zstd/image:1");
        assertEquals(image.manifest().digest(), new Pusher(client, source, 2).push("z", ref).descriptor().digest());

        BlobStore target = BlobStore.open(temp.resolve("target"));
        TransferResult pulled = new Puller(client, target, 2).pull(ref, null, "pulled");
        assertEquals(image.manifest().digest(), pulled.descriptor().digest());
        assertArrayEquals(source.readAll(layer.descriptor().digest()), target.readAll(layer.descriptor().digest()));
        StoredImages.Image stored = StoredImages.find(target, "pulled", null).orElseThrow();
        List<Path> dirs = StoredImages.layerDirs(target, stored);
        assertEquals("zstd layer\n".repeat(100), Files.readString(dirs.get(0).resolve("etc/motd")));

        JsonNode inspect = MAPPER.readTree(run("skopeo", "--policy", policy().toString(), "inspect",
                "--tls-verify=false", "docker://" + ref));
        assertEquals(image.manifest().digest().toString(), inspect.path("Digest").asText());
        assertEquals(layer.descriptor().digest().toString(), inspect.path("Layers").get(0).asText());
        JsonNode raw = MAPPER.readTree(run("skopeo", "--policy", policy().toString(), "inspect", "--raw",
                "--tls-verify=false", "docker://" + ref));
        assertEquals(MediaType.OCI_LAYER_ZSTD, raw.path("layers").get(0).path("mediaType").asText());

        // a dir destination with --dest-decompress makes skopeo decompress the layer: the tar must be the diff id
        Path copy = temp.resolve("copy");
        run("skopeo", "--policy", policy().toString(), "copy", "--src-tls-verify=false", "--dest-decompress",
                "docker://" + ref, "dir:" + copy);
        byte[] layerTar = null;
        try (java.util.stream.Stream<Path> files = Files.list(copy)) {
            for (Path f : files.toList()) {
                byte[] data = Files.readAllBytes(f);
                if (Digest.of(data).equals(layer.diffId())) {
                    layerTar = data;
                }
            }
        }
        assertNotNull(layerTar, "skopeo wrote the decompressed layer: " + run("ls", "-l", copy.toString()));
        assertTrue(new String(layerTar, StandardCharsets.UTF_8).contains("zstd layer"));
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
