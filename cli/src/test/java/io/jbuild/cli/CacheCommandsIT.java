package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The step cache through the command line: CACHED and miss reasons, --explain-cache, prune --cache, --cache-to/--cache-from. */
class CacheCommandsIT {
    private static final String DOCKERFILE = "ARG BASE\nFROM ${BASE}\nCOPY app.txt /app.txt\nRUN cat /app.txt > /copy\n";
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

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err),
                Environment.of(Map.of("DOCKER_CONFIG", temp.resolve("docker").toString()), temp.resolve("home")));
        return new Result(exit, out.toString(), err.toString());
    }

    private Path context() throws Exception {
        Path dir = temp.resolve("ctx");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("Dockerfile"), DOCKERFILE);
        Files.writeString(dir.resolve("app.txt"), "version 1\n");
        return dir;
    }

    private Result build(String store, Path context, String... extra) {
        List<String> args = new ArrayList<>(List.of("build", "--root", temp.resolve(store).toString(),
                "--progress=plain", "--build-arg", "BASE=" + base, "-t", "cached:1"));
        args.addAll(List.of(extra));
        args.add(context.toString());
        return run(args.toArray(new String[0]));
    }

    private static int count(String text, String regex) {
        return (int) java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.MULTILINE).matcher(text).results()
                .count();
    }

    @Test
    void build_twiceEditExplainPrune_cachedMissReasonsAndReport() throws Exception {
        Path ctx = context();
        Result first = build("store", ctx);
        assertEquals(0, first.exit(), first.err());
        Result second = build("store", ctx);
        assertEquals(0, second.exit(), second.err());
        assertEquals(2, count(second.err(), "^#\\d+ CACHED$"), second.err());
        assertEquals(first.out(), second.out(), "the same image id and manifest");

        Result gc = run("prune", "--root", temp.resolve("store").toString());
        assertEquals(0, gc.exit(), gc.err());
        Result afterGc = build("store", ctx);
        assertEquals(2, count(afterGc.err(), "^#\\d+ CACHED$"), "prune keeps the cached layers:\n" + afterGc.err());

        Files.writeString(ctx.resolve("app.txt"), "version 2\n");
        Result explain = build("store", ctx, "--explain-cache");
        assertEquals(0, explain.exit(), explain.err());
        List<String> lines = explain.out().lines().toList();
        assertEquals(2, lines.size(), explain.out());
        assertTrue(lines.get(0).endsWith("COPY app.txt /app.txt: cache miss: file app.txt changed"), lines.get(0));
        assertTrue(lines.get(1).endsWith("RUN cat /app.txt > /copy: cache miss: the step above missed"), lines.get(1));

        Result edited = build("store", ctx);
        assertTrue(edited.err().contains("cache miss: file app.txt changed"), edited.err());
        assertEquals(0, count(edited.err(), "^#\\d+ CACHED$"), edited.err());

        Result pruned = run("prune", "--cache", "--root", temp.resolve("store").toString());
        assertEquals(0, pruned.exit(), pruned.err());
        assertTrue(pruned.out().startsWith("Deleted 4 build cache entries, kept 0"), pruned.out());
        Result after = build("store", ctx, "--explain-cache");
        assertTrue(after.out().contains("cache miss: no earlier build of this step"), after.out());
    }

    @Test
    void build_cacheToLocalThenCacheFromOnFreshStore_allCached() throws Exception {
        Path ctx = context();
        Path dir = temp.resolve("exported");
        Result exported = build("a", ctx, "--cache-to", "type=local,dest=" + dir);
        assertEquals(0, exported.exit(), exported.err());
        Result imported = build("b", ctx, "--cache-from", "type=local,src=" + dir);
        assertEquals(0, imported.exit(), imported.err());
        assertEquals(2, count(imported.err(), "^#\\d+ CACHED$"), imported.err());
        assertEquals(exported.out(), imported.out());
        Result bad = build("c", ctx, "--cache-to", "type=s3,bucket=x");
        assertFalse(bad.exit() == 0, "an unknown cache type is refused");
        assertTrue(bad.err().contains("unknown type \"s3\""), bad.err());
    }
}
