package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.TestImages;
import io.jbuild.registry.TestRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jbuild build} end to end: real runc, overlay mounts, a docker-registry on loopback. */
class BuildCommandIT {
    private static TestRegistry registry;
    private static String base;

    @TempDir
    Path temp;

    @BeforeAll
    static void start(@TempDir Path seed) throws Exception {
        registry = TestRegistry.start();
        BlobStore store = BlobStore.open(seed.resolve("seed"));
        TestImages.Image busybox = TestImages.busybox(store);
        store.tag("busybox", busybox.manifest());
        base = registry.host() + "/library/busybox:latest";
        new Pusher(RegistryClient.builder().build(), store, 2).push("busybox", ImageReference.parse(base));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    record Result(int exit, String out, String err) {
    }

    private Environment env() {
        return Environment.of(Map.of("DOCKER_CONFIG", temp.resolve("docker").toString(), "COSIGN_PASSWORD", "pw"),
                temp.resolve("home"));
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err), env());
        return new Result(exit, out.toString(), err.toString());
    }

    private Path context(String dockerfile) throws Exception {
        Path dir = Files.createTempDirectory(temp, "ctx");
        Files.writeString(dir.resolve("Dockerfile"), dockerfile);
        return dir;
    }

    private Result build(Path context, String... extra) {
        List<String> args = new ArrayList<>(List.of("build", "--root", temp.resolve("store").toString(),
                "--progress=plain", "--build-arg", "BASE=" + base));
        args.addAll(List.of(extra));
        args.add(context.toString());
        return run(args.toArray(new String[0]));
    }

    @Test
    void build_plainProgressIidMetadataLocalOutput() throws Exception {
        Path ctx = context("ARG BASE\nFROM ${BASE}\nRUN echo from-run > /msg\nCMD [\"cat\", \"/msg\"]\n");
        Path iid = temp.resolve("iid");
        Path meta = temp.resolve("meta.json");
        Path local = temp.resolve("local");
        Result r = build(ctx, "-t", "app:1", "--iidfile", iid.toString(), "--metadata-file", meta.toString(),
                "--output", "type=local,dest=" + local);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("RUN echo from-run > /msg"), r.err());
        assertTrue(r.err().matches("(?s).*#\\d+ DONE \\d+\\.\\d+s.*"), r.err());
        assertEquals("from-run\n", Files.readString(local.resolve("msg")));
        String id = Files.readString(iid);
        assertTrue(id.startsWith("sha256:"), id);
        JsonNode m = new ObjectMapper().readTree(meta.toFile());
        assertEquals(id, m.path("containerimage.config.digest").asText());
        assertTrue(m.path("containerimage.digest").asText().startsWith("sha256:"));
        assertEquals("docker.io/library/app:1", m.path("image.name").asText());
        assertTrue(BlobStore.open(temp.resolve("store")).resolve("docker.io/library/app:1").isPresent());
    }

    @Test
    void build_failingRun_exitOneWithLocationAndOutputTail() throws Exception {
        Path ctx = context("ARG BASE\nFROM ${BASE}\nRUN echo first\nRUN echo broken-step >&2; exit 7\n");
        Result r = build(ctx);
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("error: Dockerfile:4:"), r.err());
        assertTrue(r.err().contains("exit code: 7"), r.err());
        assertTrue(r.err().contains("  broken-step"), r.err());
    }

    @Test
    void build_busyboxExampleFromScratch_thenHelloExampleOnIt() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        Path bb = Files.createTempDirectory(temp, "busybox");
        copyTree(repo.resolve("examples/busybox"), bb);
        Files.copy(Path.of("/bin/busybox"), bb.resolve("busybox"));
        String ourBase = registry.host() + "/examples/busybox:latest";
        Result made = run("build", "--root", temp.resolve("store").toString(), "--progress=plain", "-t", ourBase,
                "--push", bb.toString());
        assertEquals(0, made.exit(), made.err());
        Path out = temp.resolve("hello");
        Result hello = run("build", "--root", temp.resolve("store2").toString(), "--progress=plain",
                "--build-arg", "BASE=" + ourBase, "-f", repo.resolve("examples/hello/Dockerfile").toString(),
                "--output", "type=local,dest=" + out, repo.resolve("examples/hello").toString());
        assertEquals(0, hello.exit(), hello.err());
        String shout = Files.readString(out.resolve("usr/share/hello/shout.txt"));
        assertEquals(shout.toUpperCase(), shout);
        assertFalse(shout.isBlank());
    }

    @Test
    void build_pushSign_verifies_andVerifyPolicyGuardsFrom() throws Exception {
        String prefix = temp.resolve("k").toString();
        assertEquals(0, run("generate-key-pair", "--output-key-prefix", prefix).exit());
        Path ctx = context("ARG BASE\nFROM ${BASE}\nRUN echo signed > /s\n");
        String signedRef = registry.host() + "/build/signed:1";
        Result pushed = build(ctx, "-t", signedRef, "--push", "--sign", "--key", prefix + ".key");
        assertEquals(0, pushed.exit(), pushed.err());
        assertTrue(pushed.out().contains("Signed: "), pushed.out());
        Result verify = run("verify", "--root", temp.resolve("store").toString(), "--key", prefix + ".pub", signedRef);
        assertEquals(0, verify.exit(), verify.err());

        Path policy = temp.resolve("policy.json");
        Files.writeString(policy, "[{\"" + registry.host() + "/**\": [\"k.pub\"]}]");
        Path onSigned = context("FROM " + signedRef + "\nRUN cat /s\n");
        Result ok = run("build", "--root", temp.resolve("fresh").toString(), "--progress=plain", "--verify-policy",
                policy.toString(), onSigned.toString());
        assertEquals(0, ok.exit(), ok.err());
        Path onUnsigned = context("FROM " + base + "\nRUN true\n");
        Result refused = run("build", "--root", temp.resolve("fresh2").toString(), "--progress=plain",
                "--verify-policy", policy.toString(), onUnsigned.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("refused by verify policy"), refused.err());
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
