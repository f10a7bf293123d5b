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

    @Test
    void build_ociOutput_umociUnpackedImageRunsWithRunc() throws Exception {
        Path ctx = context("ARG BASE\nFROM ${BASE}\nRUN echo built by jbuild > /msg\nUSER nobody\n"
                + "ENTRYPOINT [\"sh\", \"-c\", \"cat /msg; id -u\"]\n");
        Path layout = temp.resolve("layout");
        Result r = build(ctx, "-t", "run/entrypoint:1", "--output", "type=oci,dest=" + layout + ",tar=false");
        assertEquals(0, r.exit(), r.err());
        Path bundle = temp.resolve("bundle");
        String unpack = exec(temp, "umoci", "unpack", "--image", layout + ":1", bundle.toString());
        assertTrue(Files.isDirectory(bundle.resolve("rootfs/bin")), unpack);
        ObjectMapper json = new ObjectMapper();
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) config.path("process")).put("terminal", false);
        json.writeValue(bundle.resolve("config.json").toFile(), config);
        String id = "jbuild-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try {
            assertEquals("built by jbuild\n65534\n", exec(temp, "runc", "run", "--bundle", bundle.toString(), id));
        } finally {
            new ProcessBuilder("runc", "delete", "-f", id).start().waitFor();
        }
    }

    @Test
    void build_interruptedBySigint_stopsContainerUnmountsAndLeavesStoreClean() throws Exception {
        Path ctx = context("ARG BASE\nFROM ${BASE}\nRUN echo started; sleep 120\n");
        Path root = temp.resolve("interrupted");
        Path log = temp.resolve("interrupted.log");
        Process p = new ProcessBuilder("java", "-jar", Path.of("target", "jbuild.jar").toAbsolutePath().toString(),
                "build", "--root", root.toString(), "--progress=plain", "--build-arg", "BASE=" + base, ctx.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.readString(log).contains(" started") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(log).contains(" started"), Files.readString(log));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "jbuild did not exit after SIGINT");
        } finally {
            p.destroyForcibly();
        }
        assertTrue(p.exitValue() != 0, Files.readString(log));
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        assertFalse(mounts.contains(root.toString()), "a mount under the store is left:\n" + mounts);
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                if (!proc.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try {
                    String procRoot = Files.readSymbolicLink(proc.resolve("root")).toString();
                    assertFalse(procRoot.startsWith(root.toString()), "process " + proc + " still runs in " + procRoot);
                } catch (java.io.IOException gone) {
                    // exited meanwhile, or a kernel thread
                }
            }
        }
        try (var left = Files.list(root.resolve("tmp"))) {
            assertEquals(List.of(), left.toList(), "the build left temporary files");
        }
        assertEquals(0, run("fsck", "--root", root.toString()).exit());
    }

    /** Runs a command to completion; returns its standard output, failing on a non-zero exit. */
    private static String exec(Path dir, String... command) throws Exception {
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + Files.readString(err));
        return out;
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
