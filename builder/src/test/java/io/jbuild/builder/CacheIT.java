package io.jbuild.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.StoredImages;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.TestImages;
import io.jbuild.registry.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step cache and reproducible images with real parts: busybox from a docker-registry on
 * loopback, runc for RUN, stores on disk.
 */
class CacheIT {
    private static final String DOCKERFILE = "ARG BASE\nFROM ${BASE}\nARG VERSION=1\nCOPY app /app\n"
            + "RUN cat /app/main.c > /built && echo v$VERSION >> /built\nENV MODE=release\nLABEL a=b\n"
            + "RUN echo $MODE > /mode\nCMD [\"cat\", \"/built\"]\n";
    private static TestRegistry registry;
    private static String base;
    private static Descriptor baseLayer;

    @TempDir
    Path temp;

    @BeforeAll
    static void startRegistry(@TempDir Path seed) throws Exception {
        registry = TestRegistry.start();
        BlobStore source = BlobStore.open(seed.resolve("seed"));
        TestImages.Image busybox = TestImages.busybox(source);
        baseLayer = busybox.layers().get(0);
        source.tag("busybox", busybox.manifest());
        base = registry.host() + "/library/busybox:latest";
        new Pusher(RegistryClient.builder().build(), source, 2).push("busybox",
                io.jbuild.layerstore.ImageReference.parse(base));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    /** One build: its result and its plain progress output. */
    private record Run(BuildResult result, String log) {
        long cached() {
            Matcher m = Pattern.compile("(?m)^#\\d+ CACHED$").matcher(log);
            long n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        }
    }

    private Path context(String name) throws Exception {
        Path context = temp.resolve(name);
        Files.createDirectories(context.resolve("app"));
        Files.writeString(context.resolve("app/main.c"), "int main() { return 0; }\n");
        Files.writeString(context.resolve("app/util.c"), "int util;\n");
        Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
        return context;
    }

    private static Run build(BlobStore store, Path context, BuildRequest.Builder request) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BuildResult result;
        try (BuildProgress progress = ProgressPrinters.create(ProgressMode.PLAIN,
                new PrintStream(log, true, StandardCharsets.UTF_8), false)) {
            result = new Builder(store, RegistryClient.builder().build())
                    .build(request.buildArg("BASE", base).build(), progress);
        }
        return new Run(result, log.toString(StandardCharsets.UTF_8));
    }

    private static BuildRequest.Builder request(Path context) {
        return BuildRequest.builder(context).tag("test/cached:1");
    }

    @Test
    void rebuild_nothingChanged_everyStepCachedAndSameImage() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        Path context = context("ctx");
        Run first = build(store, context, request(context));
        assertEquals(0, first.cached(), first.log());
        Run second = build(store, context, request(context));
        assertEquals(3, second.cached(), second.log());
        assertFalse(second.log().contains("cache miss"), second.log());
        assertEquals(first.result().manifest().digest(), second.result().manifest().digest());
    }

    @Test
    void rebuild_touchedFileHits_editedFileMissesWithReason() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        Path context = context("ctx");
        build(store, context, request(context));
        Files.setLastModifiedTime(context.resolve("app/main.c"), FileTime.from(Instant.now().plusSeconds(60)));
        Run touched = build(store, context, request(context));
        assertEquals(3, touched.cached(), touched.log());
        Files.writeString(context.resolve("app/main.c"), "int main() { return 1; }\n");
        Run edited = build(store, context, request(context));
        assertEquals(0, edited.cached(), edited.log());
        assertTrue(edited.log().contains("cache miss: file app/main.c changed"), edited.log());
        assertTrue(edited.log().contains("cache miss: the step above missed"), edited.log());
        assertNotEquals(touched.result().manifest().digest(), edited.result().manifest().digest());
    }

    @Test
    void rebuild_argChanged_runMissesNamingTheArg() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        Path context = context("ctx");
        build(store, context, request(context));
        Run changed = build(store, context, request(context).buildArg("VERSION", "2"));
        assertEquals(1, changed.cached(), "the COPY still hits: " + changed.log());
        assertTrue(changed.log().contains("cache miss: ARG VERSION changed from 1 to 2"), changed.log());
    }

    @Test
    void rebuild_noCacheAndNoCacheFilter_runEverythingAgain() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        Path context = context("ctx");
        build(store, context, request(context));
        Run noCache = build(store, context, request(context).noCache(true));
        assertEquals(0, noCache.cached(), noCache.log());
        assertTrue(noCache.log().contains("cache miss: --no-cache"), noCache.log());
        Run filtered = build(store, context, request(context).noCacheFilter("0"));
        assertEquals(0, filtered.cached(), filtered.log());
        Run other = build(store, context, request(context).noCacheFilter("other"));
        assertEquals(3, other.cached(), other.log());
    }

    @Test
    void explainCache_afterEdit_reportsEachStepAndBuildsNothing() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        Path context = context("ctx");
        BuildResult built = build(store, context, request(context)).result();
        Files.writeString(context.resolve("app/util.c"), "int util = 2;\n");
        List<String> report;
        try (BuildProgress progress = ProgressPrinters.create(ProgressMode.QUIET,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false)) {
            report = new Builder(store, RegistryClient.builder().build()).explainCache(
                    request(context).buildArg("BASE", base).explainCache(true).build(), progress);
        }
        assertEquals(3, report.size(), report.toString());
        assertTrue(report.get(0).matches("#\\d+ \\[3/8\\] COPY app /app: cache miss: file app/util.c changed"),
                report.get(0));
        assertTrue(report.get(1).endsWith("cache miss: the step above missed"), report.get(1));
        assertEquals(built.manifest().digest(), store.resolve("docker.io/test/cached:1").orElseThrow().digest());
        // nothing ran: the next real build still misses for the same reason
        Run real = build(store, context, request(context));
        assertTrue(real.log().contains("cache miss: file app/util.c changed"), real.log());
    }

    @Test
    void build_sourceDateEpochFreshStores_sameDigest() throws Exception {
        Path context = context("ctx");
        Run one = build(BlobStore.open(temp.resolve("s1")), context, request(context).sourceDateEpoch(1700000000L));
        Thread.sleep(1100);
        Run two = build(BlobStore.open(temp.resolve("s2")), context, request(context).sourceDateEpoch(1700000000L));
        assertEquals(one.result().manifest().digest(), two.result().manifest().digest());
        ImageConfig config = StoredImages.load(BlobStore.open(temp.resolve("s1")), null, one.result().manifest(), null)
                .config().value();
        assertEquals("2023-11-14T22:13:20Z", config.created());
    }

    @Test
    void rebuild_sourceDateEpochGivenLater_missesAndClampsTimes() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        Path context = context("ctx");
        Run plain = build(store, context, request(context));
        Run epoch = build(store, context, request(context).sourceDateEpoch(1700000000L));
        assertEquals(0, epoch.cached(), epoch.log());
        assertTrue(epoch.log().contains("cache miss: SOURCE_DATE_EPOCH set to 1700000000"), epoch.log());
        Run fresh = build(BlobStore.open(temp.resolve("other")), context,
                request(context).sourceDateEpoch(1700000000L));
        assertEquals(fresh.result().manifest().digest(), epoch.result().manifest().digest());
        assertNotEquals(plain.result().manifest().digest(), epoch.result().manifest().digest());
    }

    @Test
    void build_sourceDateEpochOtherCheckoutPath_sameDigest() throws Exception {
        Path a = context("checkout-a");
        Thread.sleep(1100);
        Path b = context("elsewhere/checkout-b");
        Files.setLastModifiedTime(b.resolve("app/util.c"), FileTime.from(Instant.parse("2025-02-03T04:05:06Z")));
        Run one = build(BlobStore.open(temp.resolve("s1")), a, request(a).sourceDateEpoch(1700000000L));
        Run two = build(BlobStore.open(temp.resolve("s2")), b, request(b).sourceDateEpoch(1700000000L));
        assertEquals(one.result().manifest().digest(), two.result().manifest().digest());
    }

    @Test
    void cacheFrom_registryOnFreshStore_everyStepHitsAndUnneededLayersStayRemote() throws Exception {
        String dockerfile = "ARG BASE\nFROM ${BASE} AS build\nCOPY app /src\nRUN cat /src/main.c /src/util.c > /out\n"
                + "FROM scratch\nCOPY --from=build /out /out\n";
        Path context = context("ctx");
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        String ref = registry.host() + "/cache/app:buildcache";
        BlobStore first = BlobStore.open(temp.resolve("ci-1"));
        Run exported = build(first, context, request(context)
                .cacheTo(CacheSpec.parse("type=registry,ref=" + ref + ",mode=max", true)));
        BlobStore fresh = BlobStore.open(temp.resolve("ci-2"));
        Run imported = build(fresh, context, request(context)
                .cacheFrom(CacheSpec.parse("type=registry,ref=" + ref, false)));
        assertEquals(3, imported.cached(), imported.log());
        assertEquals(exported.result().manifest().digest(), imported.result().manifest().digest());
        assertFalse(fresh.contains(baseLayer.digest()), "the base layer was not needed");
        ImageConfig config = StoredImages.load(fresh, null, imported.result().manifest(), null).config().value();
        assertEquals(1, config.rootfs().diffIds().size());
        Descriptor finalLayer = StoredImages.load(fresh, null, imported.result().manifest(), null).manifest()
                .layers().get(0);
        assertTrue(fresh.contains(finalLayer.digest()), "the final image's layer was pulled");
    }

    @Test
    void cacheFrom_localLayoutMinMode_finalStageStepsHit() throws Exception {
        Path context = context("ctx");
        Path dir = temp.resolve("cache-dir");
        Run exported = build(BlobStore.open(temp.resolve("a")), context, request(context)
                .cacheTo(CacheSpec.parse("type=local,dest=" + dir, true)));
        Run imported = build(BlobStore.open(temp.resolve("b")), context, request(context)
                .cacheFrom(CacheSpec.parse("type=local,src=" + dir, false)));
        assertEquals(3, imported.cached(), imported.log());
        assertEquals(exported.result().manifest().digest(), imported.result().manifest().digest());
    }

    private static final String MOUNT_WRITER = "ARG BASE\nFROM ${BASE}\n"
            + "RUN --mount=type=cache,target=/cache,id=dl,uid=1000,mode=0750 echo fetched > /cache/pkg\n";
    private static final String MOUNT_READER = "ARG BASE\nFROM ${BASE}\n"
            + "RUN --mount=type=cache,target=/cache,id=dl cat /cache/pkg > /out\n";

    /** Builds {@link #MOUNT_WRITER} exporting to {@code to}, then {@link #MOUNT_READER} on a fresh store importing {@code from}; returns B's /out. */
    private String mountRoundTrip(String to, String from) throws Exception {
        Path writer = context("writer");
        Files.writeString(writer.resolve("Dockerfile"), MOUNT_WRITER);
        build(BlobStore.open(temp.resolve("a")), writer, request(writer).cacheTo(CacheSpec.parse(to, true)));
        Path reader = context("reader");
        Files.writeString(reader.resolve("Dockerfile"), MOUNT_READER);
        BlobStore fresh = BlobStore.open(temp.resolve("b"));
        Run b = build(fresh, reader, request(reader).cacheFrom(CacheSpec.parse(from, false)));
        Path dir = fresh.cacheDir().resolve("mounts").resolve(
                io.jbuild.layerstore.Digest.of("dl".getBytes(StandardCharsets.UTF_8)).encoded());
        assertTrue(Files.isDirectory(dir), "the mount was restored into the store");
        assertEquals(1000, Files.getAttribute(dir, "unix:uid"));
        assertEquals(0750, ((Integer) Files.getAttribute(dir, "unix:mode")) & 07777);
        Path rootfs = temp.resolve("b-rootfs");
        StoredImages.unpack(fresh, StoredImages.load(fresh, null, b.result().manifest(), null), rootfs);
        return Files.readString(rootfs.resolve("out"));
    }

    @Test
    void cacheTo_registryCacheMounts_freshStoreRunSeesMountContents() throws Exception {
        String ref = registry.host() + "/cache:1";
        assertEquals("fetched\n", mountRoundTrip("type=registry,ref=" + ref + ",cache-mounts=true",
                "type=registry,ref=" + ref));
    }

    @Test
    void cacheTo_localCacheMounts_freshStoreRunSeesMountContentsAndConfigNamesTheId() throws Exception {
        Path dir = temp.resolve("cache-dir");
        assertEquals("fetched\n", mountRoundTrip("type=local,dest=" + dir + ",cache-mounts=true",
                "type=local,src=" + dir));
        BlobStore layout = BlobStore.open(dir);
        RemoteCache.Document doc = RemoteCache.read(layout, layout.resolve(RemoteCache.LOCAL_TAG).orElseThrow());
        assertEquals(List.of("dl"), doc.mounts().stream().map(RemoteCache.MountRecord::id).toList());
        assertEquals(1000, doc.mounts().get(0).uid());
    }

    @Test
    void cacheTo_withoutCacheMounts_nothingOfTheMountExported() throws Exception {
        Path context = context("writer");
        Files.writeString(context.resolve("Dockerfile"), MOUNT_WRITER);
        Path dir = temp.resolve("cache-dir");
        build(BlobStore.open(temp.resolve("a")), context, request(context)
                .cacheTo(CacheSpec.parse("type=local,dest=" + dir, true)));
        BlobStore layout = BlobStore.open(dir);
        Descriptor root = layout.resolve(RemoteCache.LOCAL_TAG).orElseThrow();
        RemoteCache.Document doc = RemoteCache.read(layout, root);
        assertTrue(doc.mounts().isEmpty());
        long stepLayers = doc.entries().stream().filter(r -> r.entry().hasLayer()).count();
        assertEquals(stepLayers, layout.readDocument(root.digest(), io.jbuild.layerstore.Manifest.class).value()
                .layers().size());
    }

    @Test
    void cacheTo_everyStepHit_importedMountCarriedOn() throws Exception {
        Path writer = context("writer");
        Files.writeString(writer.resolve("Dockerfile"), MOUNT_WRITER);
        Path first = temp.resolve("cache-1");
        Path second = temp.resolve("cache-2");
        build(BlobStore.open(temp.resolve("a")), writer, request(writer)
                .cacheTo(CacheSpec.parse("type=local,dest=" + first + ",cache-mounts=true", true)));
        Run hit = build(BlobStore.open(temp.resolve("b")), writer, request(writer)
                .cacheFrom(CacheSpec.parse("type=local,src=" + first, false))
                .cacheTo(CacheSpec.parse("type=local,dest=" + second + ",cache-mounts=true", true)));
        assertEquals(1, hit.cached(), hit.log());
        BlobStore a = BlobStore.open(first);
        BlobStore b = BlobStore.open(second);
        assertEquals(RemoteCache.read(a, a.resolve(RemoteCache.LOCAL_TAG).orElseThrow()).mounts(),
                RemoteCache.read(b, b.resolve(RemoteCache.LOCAL_TAG).orElseThrow()).mounts());
    }
}
