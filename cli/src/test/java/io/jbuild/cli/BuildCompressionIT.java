package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.StoredImages;
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

/** {@code jbuild build --compression zstd}: the layers the build writes are zstd, the result reads back. */
class BuildCompressionIT {
    private static TestRegistry registry;
    private static String base;

    @TempDir
    Path temp;

    @BeforeAll
    static void start(@TempDir Path seed) throws Exception {
        registry = TestRegistry.start();
        BlobStore store = BlobStore.open(seed.resolve("seed"));
        store.tag("busybox", TestImages.busybox(store).manifest());
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
        Environment env = Environment.of(Map.of("DOCKER_CONFIG", temp.resolve("docker").toString()),
                temp.resolve("home"));
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Result(exit, out.toString(), err.toString());
    }

    private Result build(Path context, String... extra) {
        List<String> args = new ArrayList<>(List.of("build", "--root", temp.resolve("store").toString(),
                "--progress=plain", "--build-arg", "BASE=" + base));
        args.addAll(List.of(extra));
        args.add(context.toString());
        return run(args.toArray(new String[0]));
    }

    @Test
    void build_compressionZstd_newLayersZstdAndOutputsRight() throws Exception {
        Path ctx = Files.createTempDirectory(temp, "ctx");
        Files.writeString(ctx.resolve("Dockerfile"), "ARG BASE\nFROM ${BASE}\nRUN echo from-run > /msg && rm /etc/group\n"
                + "COPY hello.txt /app/\n");
        Files.writeString(ctx.resolve("hello.txt"), "hello zstd\n");
        Path local = temp.resolve("local");
        Path archive = temp.resolve("docker.tar");
        Result r = build(ctx, "-t", "zstd:1", "--compression", "zstd", "--timestamp", "0",
                "--output", "type=local,dest=" + local, "--output", "type=docker,dest=" + archive);
        assertEquals(0, r.exit(), r.err());

        BlobStore store = BlobStore.open(temp.resolve("store"));
        StoredImages.Image image = StoredImages.find(store, "zstd:1", null).orElseThrow();
        List<String> types = image.manifest().layers().stream().map(Descriptor::mediaType).toList();
        assertEquals(List.of(MediaType.OCI_LAYER_GZIP, MediaType.OCI_LAYER_ZSTD, MediaType.OCI_LAYER_ZSTD), types,
                "the base layer stays as pulled, the RUN and COPY layers are zstd");

        assertEquals("from-run\n", Files.readString(local.resolve("msg")));
        assertEquals("hello zstd\n", Files.readString(local.resolve("app/hello.txt")));
        assertTrue(Files.exists(local.resolve("etc/passwd")));
        assertTrue(Files.notExists(local.resolve("etc/group")), "the RUN layer's whiteout applies");
        assertTrue(Files.isSymbolicLink(local.resolve("bin/sh")));

        Result fsck = run("fsck", "--root", temp.resolve("store").toString(), "--deep");
        assertEquals(0, fsck.exit(), fsck.out() + fsck.err());

        // the docker archive has plain layer tars: it loads into a fresh store (as gzip)
        Result load = run("load", "--root", temp.resolve("loaded").toString(), "-i", archive.toString());
        assertEquals(0, load.exit(), load.out() + load.err());
        StoredImages.Image loaded = StoredImages.find(BlobStore.open(temp.resolve("loaded")), "zstd:1", null)
                .orElseThrow();
        assertEquals(image.diffIds(), loaded.diffIds());

        // the same build with gzip: same diff ids, other layer blobs
        Result gzip = run("build", "--root", temp.resolve("gzip").toString(), "--progress=plain", "--build-arg",
                "BASE=" + base, "-t", "gzip:1", "--timestamp", "0", ctx.toString());
        assertEquals(0, gzip.exit(), gzip.err());
        StoredImages.Image g = StoredImages.find(BlobStore.open(temp.resolve("gzip")), "gzip:1", null).orElseThrow();
        assertEquals(MediaType.OCI_LAYER_GZIP, g.manifest().layers().get(1).mediaType());
        assertEquals(image.diffIds(), g.diffIds());
        assertNotEquals(image.manifest().layers().get(1).digest(), g.manifest().layers().get(1).digest());
    }

    @Test
    void build_outputCompressionAttribute_zstdLayersInOciLayout() throws Exception {
        Path ctx = Files.createTempDirectory(temp, "ctx");
        Files.writeString(ctx.resolve("Dockerfile"), "ARG BASE\nFROM ${BASE}\nRUN echo x > /x\n");
        Path layout = temp.resolve("layout");
        Result r = build(ctx, "--output", "type=oci,dest=" + layout + ",tar=false,compression=zstd");
        assertEquals(0, r.exit(), r.err());
        BlobStore oci = BlobStore.open(layout);
        Descriptor manifest = oci.list().get(0);
        List<String> types = oci.readDocument(manifest.digest(), io.jbuild.layerstore.Manifest.class).value().layers()
                .stream().map(Descriptor::mediaType).toList();
        assertEquals(List.of(MediaType.OCI_LAYER_GZIP, MediaType.OCI_LAYER_ZSTD), types);
    }

    @Test
    void build_unknownOrConflictingCompression_refused() throws Exception {
        Path ctx = Files.createTempDirectory(temp, "ctx");
        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\n");
        Result r = build(ctx, "--compression", "lz4");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("--compression lz4: unknown compression"), r.err());
        r = build(ctx, "--output", "type=oci,dest=" + temp.resolve("a") + ",compression=lz4");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("--output compression=lz4: unknown compression"), r.err());
        r = build(ctx, "--output", "type=oci,dest=" + temp.resolve("a") + ",compression=zstd",
                "--output", "type=docker,dest=" + temp.resolve("b") + ",compression=gzip");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("layers are compressed once"), r.err());
    }
}
