package io.jbuild.registry;

import io.jbuild.layerstore.BlobSource;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.MediaType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's endpoints against a real docker-registry without authentication. */
class RegistryClientIT {
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

    private BlobStore store(String name) throws Exception {
        return BlobStore.open(temp.resolve(name));
    }

    private void pushImage(ImageReference target, BlobStore store, TestImages.Image image) throws Exception {
        for (Descriptor blob : concat(image.config(), image.layers())) {
            client.pushBlob(target, blob, store.blobPath(blob.digest()), null);
        }
        client.pushManifest(target, MediaType.OCI_MANIFEST, image.manifestBytes());
    }

    private static List<Descriptor> concat(Descriptor first, List<Descriptor> rest) {
        List<Descriptor> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    @Test
    void ping_loopbackRegistry_fallsBackToPlainHttp() throws Exception {
        client.ping(registry.host());
    }

    @Test
    void pushManifest_thenPullByTagAndDigest_returnsExactBytes() throws Exception {
        BlobStore store = store("s");
        TestImages.Image image = TestImages.image(store, "exact", 2, 3000);
        ImageReference target = ref("exact/image:v1");
        pushImage(target, store, image);

        RemoteManifest byTag = client.pullManifest(target);
        assertArrayEquals(image.manifestBytes(), byTag.bytes());
        assertEquals(image.manifest().digest(), byTag.digest());
        assertEquals(MediaType.OCI_MANIFEST, byTag.mediaType());
        RemoteManifest byDigest = client.pullManifest(target.withDigest(image.manifest().digest()));
        assertArrayEquals(image.manifestBytes(), byDigest.bytes());

        Descriptor head = client.checkManifest(target).orElseThrow();
        assertEquals(image.manifest().digest(), head.digest());
        assertEquals(image.manifestBytes().length, head.size());
    }

    @Test
    void pullBlob_intoEmptyStore_storesVerifiedContent() throws Exception {
        BlobStore source = store("src");
        TestImages.Image image = TestImages.image(source, "blobs", 1, 200_000);
        ImageReference repo = ref("blobs/one");
        pushImage(repo, source, image);
        Descriptor layer = image.layers().get(0);
        assertEquals(layer.size(), client.checkBlob(repo, layer.digest()).orElseThrow());

        BlobStore target = store("dst");
        client.pullBlob(repo, layer, target);
        assertArrayEquals(source.readAll(layer.digest()), target.readAll(layer.digest()));
    }

    @Test
    void pullBlob_wrongDescriptorSize_failsAndLeavesNothingInStore() throws Exception {
        BlobStore source = store("src");
        Descriptor blob = source.write("application/octet-stream", "hello blob".getBytes(StandardCharsets.UTF_8));
        ImageReference repo = ref("blobs/short");
        client.pushBlob(repo, blob, source.blobPath(blob.digest()), null);
        BlobStore target = store("dst");
        Descriptor lying = Descriptor.of(blob.mediaType(), blob.digest(), blob.size() + 5);
        RegistryClient quick = RegistryClient.builder().retryPolicy(
                new RetryPolicy(2, java.time.Duration.ZERO, java.time.Duration.ZERO)).build();
        assertThrows(RegistryException.class, () -> quick.pullBlob(repo, lying, target));
        assertFalse(target.contains(blob.digest()));
        assertEquals(0, java.nio.file.Files.list(target.tmpDir()).count());
    }

    @Test
    void checkBlob_unknown_isEmpty() throws Exception {
        assertTrue(client.checkBlob(ref("blobs/none"), Digest.of(new byte[] {1, 2, 3})).isEmpty());
    }

    @Test
    void pushBlob_specialBlobs_emptyAndEmptyJson() throws Exception {
        BlobStore store = store("s");
        ImageReference repo = ref("special/blobs");
        for (byte[] bytes : List.of(new byte[0], "{}".getBytes(StandardCharsets.UTF_8))) {
            Descriptor d = store.write(MediaType.OCI_EMPTY, bytes);
            client.pushBlob(repo, d, store.blobPath(d.digest()), null);
            assertEquals(bytes.length, client.checkBlob(repo, d.digest()).orElseThrow());
            client.deleteBlob(repo, d.digest());
            assertTrue(client.checkBlob(repo, d.digest()).isEmpty());
        }
    }

    @Test
    void pushBlob_streamedSource_uploads() throws Exception {
        byte[] bytes = new byte[100_000];
        new java.util.Random(7).nextBytes(bytes);
        Descriptor d = Descriptor.of("application/octet-stream", bytes);
        ImageReference repo = ref("streamed/source");
        assertFalse(client.pushBlob(repo, d, BlobSource.of(d.mediaType(), bytes), null));
        assertEquals(bytes.length, client.checkBlob(repo, d.digest()).orElseThrow());
    }

    @Test
    void pushBlob_chunked_uploadsInSeveralPatches() throws Exception {
        RegistryClient chunked = RegistryClient.builder().chunkSize(10_000).build();
        BlobStore store = store("s");
        byte[] bytes = new byte[35_000];
        new java.util.Random(3).nextBytes(bytes);
        Descriptor d = store.write("application/octet-stream", bytes);
        ImageReference repo = ref("chunked/blob");
        chunked.pushBlob(repo, d, store.blobPath(d.digest()), null);
        BlobStore back = store("back");
        client.pullBlob(repo, d, back);
        assertArrayEquals(bytes, back.readAll(d.digest()));
    }

    @Test
    void pushBlob_monolithicPostAnswered202_finishesWithPut() throws Exception {
        RegistryClient monolithic = RegistryClient.builder().monolithicPost(true).build();
        BlobStore store = store("s");
        Descriptor d = store.write("application/octet-stream", "monolithic".getBytes(StandardCharsets.UTF_8));
        ImageReference repo = ref("mono/blob");
        monolithic.pushBlob(repo, d, store.blobPath(d.digest()), null);
        assertEquals(d.size(), client.checkBlob(repo, d.digest()).orElseThrow());
    }

    @Test
    void pushBlob_mountFromRepositoryHoldingIt_mounts() throws Exception {
        BlobStore store = store("s");
        Descriptor d = store.write("application/octet-stream", "mount me".getBytes(StandardCharsets.UTF_8));
        client.pushBlob(ref("mount/source"), d, store.blobPath(d.digest()), null);
        assertTrue(client.pushBlob(ref("mount/target"), d, store.blobPath(d.digest()), "mount/source"));
        assertEquals(d.size(), client.checkBlob(ref("mount/target"), d.digest()).orElseThrow());
    }

    @Test
    void pushBlob_mountFromRepositoryWithoutIt_fallsBackToUpload() throws Exception {
        BlobStore store = store("s");
        Descriptor d = store.write("application/octet-stream", "not there".getBytes(StandardCharsets.UTF_8));
        assertFalse(client.pushBlob(ref("mount/target2"), d, store.blobPath(d.digest()), "mount/empty"));
        assertEquals(d.size(), client.checkBlob(ref("mount/target2"), d.digest()).orElseThrow());
    }

    @Test
    void pullManifest_unknownTag_namesRegistryRepositoryTagAndCode() throws Exception {
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.pullManifest(ref("missing/repo:nope")));
        assertEquals("MANIFEST_UNKNOWN", e.code());
        assertTrue(e.getMessage().contains(registry.host() + "/missing/repo:nope"), e.getMessage());
        assertTrue(e.getMessage().contains("MANIFEST_UNKNOWN"), e.getMessage());
        assertTrue(client.checkManifest(ref("missing/repo:nope")).isEmpty());
    }

    @Test
    void pushManifest_missingBlob_reportsManifestBlobUnknownWithDigest() throws Exception {
        BlobStore store = store("s");
        TestImages.Image image = TestImages.image(store, "noblobs", 1, 100);
        RegistryException e = assertThrows(RegistryException.class,
                () -> client.pushManifest(ref("noblobs/repo:t"), MediaType.OCI_MANIFEST, image.manifestBytes()));
        assertEquals("MANIFEST_BLOB_UNKNOWN", e.code());
        assertTrue(e.getMessage().contains("noblobs/repo:t"), e.getMessage());
    }

    @Test
    void deleteManifest_byDigest_thenNotFound() throws Exception {
        BlobStore store = store("s");
        TestImages.Image image = TestImages.image(store, "del", 1, 100);
        ImageReference target = ref("del/repo:t");
        pushImage(target, store, image);
        ImageReference byDigest = target.withDigest(image.manifest().digest());
        client.deleteManifest(byDigest);
        assertTrue(client.checkManifest(byDigest).isEmpty());
        assertThrows(NotFoundException.class, () -> client.deleteManifest(byDigest));
    }

    @Test
    void deleteManifest_byTagUnsupported_reportsTheRegistryCode() throws Exception {
        BlobStore store = store("s");
        TestImages.Image image = TestImages.image(store, "deltag", 1, 100);
        ImageReference target = ref("deltag/repo:t");
        pushImage(target, store, image);
        RegistryException e = assertThrows(RegistryException.class, () -> client.deleteManifest(target));
        assertEquals(400, e.status());
        assertEquals("DIGEST_INVALID", e.code());
    }

    @Test
    void listTags_allPushedTags() throws Exception {
        BlobStore store = store("s");
        TestImages.Image image = TestImages.image(store, "tags", 1, 100);
        for (String tag : List.of("b", "C", "z", "a", "1")) {
            pushImage(ref("tags/repo:" + tag), store, image);
        }
        assertEquals(Set.of("b", "C", "z", "a", "1"), Set.copyOf(client.listAllTags(ref("tags/repo"))));
        assertEquals(5, client.listTags(ref("tags/repo"), 2, null).tags().size() >= 2 ? 5 : 0);
    }

    @Test
    void referrers_registryWithoutApi_usesTagFallback() throws Exception {
        BlobStore store = store("s");
        TestImages.Image image = TestImages.image(store, "subject", 1, 100);
        ImageReference repo = ref("refs/repo:base");
        pushImage(repo, store, image);
        Descriptor empty = store.write(MediaType.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
        client.pushBlob(repo, empty, store.blobPath(empty.digest()), null);
        String artifact = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\","
                + "\"artifactType\":\"application/vnd.example.sbom\",\"config\":" + TestImages.descriptorJson(empty)
                + ",\"layers\":[" + TestImages.descriptorJson(empty) + "],\"subject\":"
                + TestImages.descriptorJson(image.manifest()) + ",\"annotations\":{\"org.example\":\"yes\"}}";
        byte[] bytes = artifact.getBytes(StandardCharsets.UTF_8);
        Descriptor pushed = client.pushManifest(repo.withDigest(Digest.of(bytes)), MediaType.OCI_MANIFEST, bytes);
        // pushing twice must not duplicate the entry
        client.pushManifest(repo.withDigest(Digest.of(bytes)), MediaType.OCI_MANIFEST, bytes);

        List<Descriptor> referrers = client.referrers(repo, image.manifest().digest(), null);
        assertEquals(1, referrers.size());
        assertEquals(pushed.digest(), referrers.get(0).digest());
        assertEquals("application/vnd.example.sbom", referrers.get(0).artifactType());
        assertEquals("yes", referrers.get(0).annotations().get("org.example"));
        assertEquals(1, client.referrers(repo, image.manifest().digest(), "application/vnd.example.sbom").size());
        assertEquals(0, client.referrers(repo, image.manifest().digest(), "application/other").size());
        assertEquals(0, client.referrers(repo, Digest.of(new byte[] {9}), null).size());

        client.deleteManifest(repo.withDigest(pushed.digest()));
        assertEquals(0, client.referrers(repo, image.manifest().digest(), null).size());
    }

    @Test
    void pullManifest_requestedDigestMismatch_isRejected() throws Exception {
        BlobStore store = store("s");
        TestImages.Image image = TestImages.image(store, "mismatch", 1, 100);
        ImageReference repo = ref("mismatch/repo:t");
        pushImage(repo, store, image);
        RegistryException e = assertThrows(RegistryException.class,
                () -> client.pushManifest(repo.withDigest(Digest.of(new byte[] {1})), MediaType.OCI_MANIFEST,
                        image.manifestBytes()));
        assertInstanceOf(RegistryException.class, e);
    }

    @Test
    void pushManifest_nearlyFourMegabytes_roundTripsExactly() throws Exception {
        BlobStore store = store("s");
        TestImages.Image image = TestImages.image(store, "big", 1, 100);
        ImageReference target = ref("big/manifest:t");
        pushImage(target, store, image);
        StringBuilder annotations = new StringBuilder();
        String value = "x".repeat(10_000);
        for (int i = 0; i < 390; i++) {
            annotations.append(i == 0 ? "" : ",").append("\"org.example.a").append(i).append("\":\"").append(value).append('"');
        }
        String text = new String(image.manifestBytes(), StandardCharsets.UTF_8).trim();
        byte[] big = (text.substring(0, text.length() - 1) + ",\"annotations\":{" + annotations + "}}")
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(big.length > 3_900_000);
        client.pushManifest(target, MediaType.OCI_MANIFEST, big);
        assertArrayEquals(big, client.pullManifest(target).bytes());
    }

    @Test
    void pushManifest_dockerSchema2_servedWithDockerMediaType() throws Exception {
        BlobStore store = store("s");
        Descriptor config = store.write(MediaType.DOCKER_CONFIG,
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                        .getBytes(StandardCharsets.UTF_8));
        ImageReference target = ref("docker/schema2:t");
        client.pushBlob(target, config, store.blobPath(config.digest()), null);
        byte[] manifest = ("{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"" + MediaType.DOCKER_MANIFEST
                + "\",\n   \"config\": {\"mediaType\": \"" + MediaType.DOCKER_CONFIG + "\", \"size\": " + config.size()
                + ", \"digest\": \"" + config.digest() + "\"},\n   \"layers\": []\n}")
                .getBytes(StandardCharsets.UTF_8);
        client.pushManifest(target, MediaType.DOCKER_MANIFEST, manifest);
        RemoteManifest back = client.pullManifest(target);
        assertEquals(MediaType.DOCKER_MANIFEST, back.mediaType());
        assertArrayEquals(manifest, back.bytes());
        assertEquals(Digest.of(manifest), back.digest());
    }

    @Test
    void pushBlob_sha512_uploadsAndPullsVerified() throws Exception {
        byte[] bytes = "sha512 content".getBytes(StandardCharsets.UTF_8);
        Descriptor d = Descriptor.of("application/octet-stream", Digest.of(Digest.SHA512, bytes), bytes.length);
        Path file = temp.resolve("blob512");
        java.nio.file.Files.write(file, bytes);
        ImageReference repo = ref("sha512/blob");
        client.pushBlob(repo, d, file, null);
        assertEquals(bytes.length, client.checkBlob(repo, d.digest()).orElseThrow());
        BlobStore back = store("back");
        client.pullBlob(repo, d, back);
        assertTrue(back.contains(d.digest()));
    }
}
