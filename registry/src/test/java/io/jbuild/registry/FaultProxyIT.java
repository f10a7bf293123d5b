package io.jbuild.registry;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pull and push through a proxy that drops connections, answers 500 and 429 once, and stalls. */
class FaultProxyIT {
    private static TestRegistry registry;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static RegistryClient client(FaultProxy proxy) {
        return RegistryClient.builder().plainHttpRegistry(proxy.host())
                .retryPolicy(new RetryPolicy(5, Duration.ofMillis(20), Duration.ofSeconds(2)))
                .requestTimeout(Duration.ofSeconds(2)).build();
    }

    private static long tmpFiles(BlobStore store) throws Exception {
        try (var files = Files.list(store.tmpDir())) {
            return files.count();
        }
    }

    @Test
    void pushAndPull_throughFaults_completeAndDigestVerified() throws Exception {
        BlobStore source = BlobStore.open(temp.resolve("source"));
        TestImages.Image image = TestImages.image(source, "faulty", 3, 150_000);
        source.tag("faulty", image.manifest());
        try (FaultProxy proxy = new FaultProxy(registry.host())) {
            proxy.fault("PATCH", "/blobs/uploads/", FaultProxy.Kind.DROP_BEFORE_ANSWER)
                    .fault("POST", "/blobs/uploads/", FaultProxy.Kind.STATUS_500)
                    .fault("HEAD", "/blobs/", FaultProxy.Kind.STATUS_429)
                    .fault("PUT", "/manifests/", FaultProxy.Kind.STALL)
                    .fault("PUT", "/blobs/uploads/", FaultProxy.Kind.STATUS_500);
            RegistryClient client = client(proxy);
            ImageReference target = ImageReference.parse(proxy.host() + "/faults/image:v1");
            TransferResult pushed = new Pusher(client, source, 2).push("faulty", target);
            assertEquals(image.manifest().digest(), pushed.descriptor().digest());
            assertEquals(5, proxy.fired.size(), proxy.fired.toString());

            proxy.faultPerPath("GET", "/blobs/sha256:", FaultProxy.Kind.DROP_MID_BODY)
                    .fault("GET", "/manifests/", FaultProxy.Kind.STATUS_500)
                    .fault("GET", "/manifests/", FaultProxy.Kind.STALL);
            BlobStore target2 = BlobStore.open(temp.resolve("target"));
            TransferResult pulled = new Puller(client, target2, 2).pull(target, null, "pulled");
            assertEquals(image.manifest().digest(), pulled.descriptor().digest());
            assertTrue(proxy.fired.stream().filter(f -> f.startsWith("DROP_MID_BODY")).count() >= 4, proxy.fired.toString());
            for (Descriptor layer : image.layers()) {
                assertArrayEquals(source.readAll(layer.digest()), target2.readAll(layer.digest()));
            }
            assertArrayEquals(image.manifestBytes(), target2.readAll(image.manifest().digest()));
            assertEquals(0, tmpFiles(target2));
        }
        // the registry holds exactly what was pushed
        RegistryClient direct = RegistryClient.builder().build();
        assertArrayEquals(image.manifestBytes(),
                direct.pullManifest(ImageReference.parse(registry.host() + "/faults/image:v1")).bytes());
    }

    @Test
    void pull_layerAlwaysDropped_failsLeavingNoTagAndNoPartialBlob() throws Exception {
        BlobStore source = BlobStore.open(temp.resolve("source"));
        TestImages.Image image = TestImages.image(source, "broken", 1, 150_000);
        source.tag("broken", image.manifest());
        RegistryClient direct = RegistryClient.builder().build();
        new Pusher(direct, source, 1).push("broken", ImageReference.parse(registry.host() + "/faults/broken:v1"));
        try (FaultProxy proxy = new FaultProxy(registry.host())) {
            proxy.faultAlways("GET", "/blobs/" + image.layers().get(0).digest(), FaultProxy.Kind.DROP_MID_BODY);
            BlobStore target = BlobStore.open(temp.resolve("target"));
            ImageReference ref = ImageReference.parse(proxy.host() + "/faults/broken:v1");
            RegistryException e = assertThrows(RegistryException.class,
                    () -> new Puller(client(proxy), target, 1).pull(ref, null, "broken"));
            assertTrue(e.getMessage().contains(image.layers().get(0).digest().toString()), e.getMessage());
            assertFalse(target.contains(image.layers().get(0).digest()));
            assertFalse(target.contains(image.manifest().digest()));
            assertTrue(target.resolve("broken").isEmpty());
            assertEquals(0, tmpFiles(target));
        }
    }
}
