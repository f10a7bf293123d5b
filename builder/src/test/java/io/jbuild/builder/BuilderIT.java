package io.jbuild.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.StoredImages;
import io.jbuild.layerstore.TarExtractor;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.TestImages;
import io.jbuild.registry.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds through the facade with real parts: a docker-registry on loopback serving a busybox base,
 * runc running the RUN steps on overlay mounts, the store on disk.
 */
class BuilderIT {
    private static TestRegistry registry;
    private static String base;

    @TempDir
    Path temp;

    private BlobStore store;
    private ByteArrayOutputStream log;

    @BeforeAll
    static void startRegistry(@TempDir Path seed) throws Exception {
        registry = TestRegistry.start();
        BlobStore source = BlobStore.open(seed.resolve("seed"));
        TestImages.Image busybox = TestImages.busybox(source);
        source.tag("busybox", busybox.manifest());
        RegistryClient client = RegistryClient.builder().build();
        base = registry.host() + "/library/busybox:latest";
        new Pusher(client, source, 2).push("busybox", io.jbuild.layerstore.ImageReference.parse(base));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void openStore() throws Exception {
        store = BlobStore.open(temp.resolve("store"));
        log = new ByteArrayOutputStream();
    }

    private BuildResult build(String dockerfile, BuildRequest.Builder request) throws Exception {
        Path context = temp.resolve("context");
        Files.createDirectories(context);
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        try (BuildProgress progress = ProgressPrinters.create(ProgressMode.PLAIN,
                new PrintStream(log, true, StandardCharsets.UTF_8), false)) {
            return new Builder(store, RegistryClient.builder().build())
                    .build(request.buildArg("BASE", base).build(), progress);
        }
    }

    private BuildRequest.Builder request() throws Exception {
        Path context = temp.resolve("context");
        Files.createDirectories(context);
        return BuildRequest.builder(context).tag("test/image:1");
    }

    /** The flattened root file system of the built image. */
    private Path rootfs(BuildResult result) throws Exception {
        Path dir = temp.resolve("rootfs-" + result.manifest().digest().encoded().substring(0, 12));
        StoredImages.Image image = StoredImages.load(store, null, result.manifest(), null);
        for (Descriptor layer : image.manifest().layers()) {
            try (InputStream in = store.open(layer.digest())) {
                TarExtractor.of(TarExtractor.Mode.ROOTFS).extract(in, dir);
            }
        }
        return dir;
    }

    private ImageConfig config(BuildResult result) throws Exception {
        return StoredImages.load(store, null, result.manifest(), null).config().value();
    }

    @Test
    void build_runWritesFile_imageHasLayerAndConfig() throws Exception {
        BuildResult result = build("ARG BASE\nFROM ${BASE}\nRUN echo hello > /hello.txt && echo done\n"
                + "CMD [\"cat\", \"/hello.txt\"]\n", request());
        ImageConfig config = config(result);
        assertEquals(2, config.rootfs().diffIds().size(), "base layer + the RUN's");
        assertEquals(List.of("cat", "/hello.txt"), config.config().cmd());
        assertEquals("hello\n", Files.readString(rootfs(result).resolve("hello.txt")));
        assertTrue(store.resolve("docker.io/test/image:1").isPresent());
        String out = log.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("RUN echo hello > /hello.txt && echo done"), out);
        assertTrue(out.contains("done"), out);
        // nothing of the runtime's mount points or /etc/hosts in the layer
        Path added = store.layerDir(config.rootfs().diffIds().get(1));
        try (var entries = Files.list(added)) {
            assertEquals(List.of("hello.txt"), entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void build_failingRun_reportsLocationExitCodeAndOutput() throws Exception {
        BuildException e = assertThrows(BuildException.class, () -> build(
                "ARG BASE\nFROM ${BASE}\nRUN echo about to fail; exit 3\n", request()));
        assertEquals(3, e.exitCode());
        assertNotNull(e.location());
        assertEquals(3, e.location().startLine());
        assertTrue(e.getMessage().contains("exit code: 3"), e.getMessage());
        assertTrue(e.getMessage().contains("about to fail"), e.getMessage());
        assertTrue(store.resolve("docker.io/test/image:1").isEmpty());
    }

    @Test
    void build_deletesAndUserFiles_whiteoutsAndOwnership() throws Exception {
        BuildResult result = build("ARG BASE\nFROM ${BASE}\nRUN rm /etc/hostname && rm -r /var/www\n"
                + "USER nobody\nRUN touch /tmp/by-nobody\nUSER root\nWORKDIR /app/sub\nRUN pwd > where\n", request());
        Path root = rootfs(result);
        assertFalse(Files.exists(root.resolve("etc/hostname")));
        assertFalse(Files.exists(root.resolve("var/www")));
        assertTrue(Files.exists(root.resolve("etc/passwd")));
        PosixFileAttributes attrs = Files.readAttributes(root.resolve("tmp/by-nobody"), PosixFileAttributes.class);
        assertEquals(65534, (int) Files.getAttribute(root.resolve("tmp/by-nobody"), "unix:uid"));
        assertNotNull(attrs);
        assertEquals("/app/sub\n", Files.readString(root.resolve("app/sub/where")));
        assertEquals("/app/sub", config(result).config().workingDir());
    }

    @Test
    void build_multiStage_copiesFromStageAndSkipsUnusedStage() throws Exception {
        BuildResult result = build("ARG BASE\nFROM ${BASE} AS build\nRUN mkdir /out && echo built > /out/artifact\n"
                + "FROM ${BASE} AS unused\nRUN exit 1\n"
                + "FROM ${BASE}\nCOPY --from=build /out/artifact /app/\nENV GREETING=hi\n"
                + "RUN echo \"$GREETING\" > /app/greeting\n", request());
        Path root = rootfs(result);
        assertEquals("built\n", Files.readString(root.resolve("app/artifact")));
        assertEquals("hi\n", Files.readString(root.resolve("app/greeting")));
        assertTrue(config(result).config().env().contains("GREETING=hi"));
    }

    @Test
    void build_scratchWithContextCopy_onlyTheCopiedFiles() throws Exception {
        BuildRequest.Builder request = request();
        Path context = temp.resolve("context");
        Files.writeString(context.resolve("a.txt"), "A");
        Files.writeString(context.resolve("ignored.txt"), "I");
        Files.writeString(context.resolve(".dockerignore"), "ignored.txt\n");
        BuildResult result = build("FROM scratch\nCOPY *.txt /data/\n", request);
        Path root = rootfs(result);
        assertEquals("A", Files.readString(root.resolve("data/a.txt")));
        assertFalse(Files.exists(root.resolve("data/ignored.txt")));
    }

    @Test
    void build_secretMount_readableInRunButNotInImage() throws Exception {
        Path secret = temp.resolve("token");
        Files.writeString(secret, "s3cr3t");
        BuildResult result = build("ARG BASE\nFROM ${BASE}\n"
                + "RUN --mount=type=secret,id=token wc -c < /run/secrets/token > /len\n",
                request().secret(new SecretSource("token", secret, null)));
        Path root = rootfs(result);
        assertEquals("6", Files.readString(root.resolve("len")).strip());
        assertFalse(Files.exists(root.resolve("run/secrets/token")));
    }

    @Test
    void build_argsAndHeredoc_runSeesArgsInScope() throws Exception {
        BuildResult result = build("ARG BASE\nFROM ${BASE}\nARG NAME=world\n"
                + "RUN <<EOF\necho \"hello $NAME\" > /greeting\nEOF\n", request().buildArg("NAME", "jbuild"));
        assertEquals("hello jbuild\n", Files.readString(rootfs(result).resolve("greeting")));
        assertTrue(config(result).config().env().stream().noneMatch(e -> e.startsWith("NAME=")),
                "ARG values are not persisted in the image's Env");
    }

    @Test
    void build_contextBindMount_hidesDockerignoredPaths() throws Exception {
        BuildRequest.Builder request = request();
        Path context = temp.resolve("context");
        Files.writeString(context.resolve("a.txt"), "A");
        Files.writeString(context.resolve("secret.txt"), "S");
        Files.createDirectories(context.resolve("build/out"));
        Files.writeString(context.resolve("build/out/x.o"), "X");
        Files.writeString(context.resolve(".dockerignore"), "secret.txt\nbuild\n");
        BuildResult result = build("ARG BASE\nFROM ${BASE}\n"
                + "RUN --mount=type=bind,target=/ctx sh -c 'cd /ctx && ls -A | sort > /listing'\n", request);
        String listing = Files.readString(rootfs(result).resolve("listing"));
        assertTrue(listing.contains("a.txt"), listing);
        assertFalse(listing.contains("secret.txt"), listing);
        assertFalse(listing.contains("build"), listing);
    }
}
