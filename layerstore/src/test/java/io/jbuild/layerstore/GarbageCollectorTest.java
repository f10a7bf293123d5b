package io.jbuild.layerstore;

import io.jbuild.layerstore.GarbageCollector.Kind;
import io.jbuild.layerstore.GarbageCollector.Removal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GarbageCollectorTest {
    @TempDir
    Path tmp;

    private Path root;
    private BlobStore store;
    private Layer shared;
    private Layer own;
    private Descriptor kept;
    private Descriptor dropped;

    @BeforeEach
    void setUp() throws Exception {
        root = tmp.resolve("store");
        store = BlobStore.open(root);
        shared = TestStoreImages.layer(store, tmp, TestStoreImages.files("etc/shared", "s"));
        own = TestStoreImages.layer(store, tmp, TestStoreImages.files("own", "o"));
        kept = TestStoreImages.image(store, "amd64", List.of(shared));
        dropped = TestStoreImages.image(store, "amd64", List.of(shared, own));
        store.tag("kept", kept);
    }

    private GarbageCollector.Result collect(boolean all, boolean dryRun) throws StoreException {
        return new GarbageCollector(store, new GarbageCollector.Options(all, dryRun)).collect();
    }

    private static Set<String> names(GarbageCollector.Result r, Kind kind) {
        return r.removals().stream().filter(x -> x.kind() == kind).map(Removal::name).collect(Collectors.toSet());
    }

    private Digest configOf(Descriptor manifest) throws StoreException {
        return store.readDocument(manifest.digest(), Manifest.class).value().config().digest();
    }

    @Test
    void collect_untaggedImage_blobsGoneSharedKept() throws Exception {
        Digest droppedConfig = configOf(dropped);
        GarbageCollector.Result r = collect(false, false);
        assertEquals(Set.of(dropped.digest().toString(), droppedConfig.toString(), own.descriptor().digest().toString()),
                names(r, Kind.BLOB));
        assertFalse(r.storeInUse());
        assertFalse(store.contains(dropped.digest()));
        assertFalse(store.contains(own.descriptor().digest()));
        assertTrue(store.contains(shared.descriptor().digest()));
        assertTrue(store.contains(configOf(kept)));
        assertEquals(store.size(kept.digest()) > 0 ? r.removals().stream().mapToLong(Removal::size).sum() : -1,
                r.reclaimed());
        assertTrue(r.reclaimed() > own.descriptor().size());
        assertEquals(List.of(), collect(false, false).removals(), "nothing left to collect");
    }

    @Test
    void collect_keptRoots_untaggedBlobKept() throws Exception {
        GarbageCollector.Result r = new GarbageCollector(store,
                new GarbageCollector.Options(false, false, Set.of(own.descriptor().digest()))).collect();
        assertTrue(store.contains(own.descriptor().digest()), "a root the step cache holds stays");
        assertFalse(store.contains(dropped.digest()));
        assertFalse(names(r, Kind.BLOB).contains(own.descriptor().digest().toString()));
    }

    @Test
    void collect_dryRun_reportsAndDeletesNothing() throws Exception {
        Files.writeString(root.resolve("tmp/999999999.x.blob"), "12345");
        GarbageCollector.Result r = collect(false, true);
        assertEquals(3, names(r, Kind.BLOB).size());
        assertEquals(Set.of("999999999.x.blob"), names(r, Kind.TMP));
        assertTrue(r.removals().stream().anyMatch(x -> x.kind() == Kind.TMP && x.size() == 5));
        assertTrue(store.contains(dropped.digest()));
        assertTrue(Files.exists(root.resolve("tmp/999999999.x.blob")));
    }

    @Test
    void collect_indexChildrenAndReferrers_reachable() throws Exception {
        Descriptor arm = TestStoreImages.image(store, "arm64", List.of(own));
        Descriptor index = store.write(MediaType.OCI_INDEX, Stored.of(ImageIndex.of(List.of(
                dropped.withPlatform(Platform.of("linux", "amd64", null)),
                arm.withPlatform(Platform.of("linux", "arm64", null))))));
        store.tag("multi", index);
        // an untagged referrer (e.g. an SBOM) whose subject is the tagged index, with its own blob
        Descriptor sbom = store.write(MediaType.OCI_LAYER, "sbom".getBytes(StandardCharsets.UTF_8));
        Descriptor empty = store.write(MediaType.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
        Manifest referrer = new Manifest(2, MediaType.OCI_MANIFEST, "application/vnd.example.sbom", empty,
                List.of(sbom), index, null);
        Descriptor referrerDescriptor = store.write(MediaType.OCI_MANIFEST, Stored.of(referrer));
        // a referrer of an image nobody keeps goes
        Manifest orphan = new Manifest(2, MediaType.OCI_MANIFEST, "application/vnd.example.sbom", empty,
                List.of(), Descriptor.of(MediaType.OCI_MANIFEST, Digest.of("gone".getBytes()), 4), null);
        Descriptor orphanDescriptor = store.write(MediaType.OCI_MANIFEST, Stored.of(orphan));

        GarbageCollector.Result r = collect(false, false);
        assertEquals(Set.of(orphanDescriptor.digest().toString()), names(r, Kind.BLOB));
        for (Digest d : List.of(index.digest(), dropped.digest(), arm.digest(), configOf(arm), own.descriptor().digest(),
                referrerDescriptor.digest(), sbom.digest(), empty.digest())) {
            assertTrue(store.contains(d), d.toString());
        }
    }

    @Test
    void collect_signatureTag_keepsSignatureImage() throws Exception {
        Layer signature = TestStoreImages.tarLayer(store, TestStoreImages.Entry.file("payload", "{}"));
        Descriptor sig = TestStoreImages.image(store, "amd64", List.of(signature));
        store.tag("docker.io/library/kept:sha256-" + kept.digest().encoded() + ".sig", sig);
        GarbageCollector.Result r = collect(false, false);
        assertTrue(store.contains(signature.descriptor().digest()));
        assertFalse(names(r, Kind.BLOB).contains(sig.digest().toString()));
    }

    @Test
    void collect_layerDirs_unreferencedRemovedAllRemovesEvery() throws Exception {
        StoredImages.layerDirs(store, StoredImages.load(store, null, dropped, null));
        assertTrue(store.hasLayerDir(own.diffId()));
        Path stray = Files.createDirectories(root.resolve("layers/not-a-digest"));
        Path strayBlob = Files.writeString(root.resolve("blobs/sha256/not-a-digest"), "?");
        GarbageCollector.Result r = collect(false, false);
        assertEquals(Set.of(own.diffId().toString()), names(r, Kind.LAYER_DIR));
        assertFalse(store.hasLayerDir(own.diffId()));
        assertTrue(store.hasLayerDir(shared.diffId()), "the tagged image uses it");
        assertTrue(Files.isDirectory(stray), "not something the store made");
        assertTrue(Files.exists(strayBlob), "left to fsck");
        try (var s = Files.list(root.resolve("tmp"))) {
            assertEquals(0, s.count(), "the removed dir went through tmp/ and is gone");
        }

        GarbageCollector.Result all = collect(true, false);
        assertEquals(Set.of(shared.diffId().toString()), names(all, Kind.LAYER_DIR));
        assertTrue(store.contains(shared.descriptor().digest()), "-a removes layer dirs, not blobs");
    }

    @Test
    void collect_storeOpenElsewhere_onlyDeadTmpEntries() throws Exception {
        Process p = StoreChildProcess.start("hold", root.toString());
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("open", r.readLine());
            Files.writeString(root.resolve("tmp/999999999.x.blob"), "x");
            GarbageCollector.Result result = collect(false, false);
            assertTrue(result.storeInUse());
            assertEquals(List.of(new Removal(Kind.TMP, "999999999.x.blob", 1)), result.removals());
            assertTrue(store.contains(dropped.digest()));
        } finally {
            p.getOutputStream().close();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        GarbageCollector.Result after = collect(false, false);
        assertFalse(after.storeInUse());
        assertTrue(names(after, Kind.BLOB).contains(dropped.digest().toString()));
    }

    @Test
    void collect_secondTag_keepsEverythingItReaches() throws Exception {
        store.tag("another", dropped);
        assertEquals(List.of(), collect(false, false).removals());
        assertTrue(store.contains(dropped.digest()));
        assertTrue(store.contains(own.descriptor().digest()));
    }
}
