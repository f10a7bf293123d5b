package io.jbuild.layerstore;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoredImagesTest {
    @TempDir
    Path tmp;

    private BlobStore store;
    private Layer base;
    private Layer top;
    private Descriptor image;

    @BeforeEach
    void setUp() throws Exception {
        store = BlobStore.open(tmp.resolve("store"));
        base = TestStoreImages.layer(store, tmp, TestStoreImages.files("etc/os-release", "ID=test\n", "bin/", ""));
        top = TestStoreImages.layer(store, tmp, TestStoreImages.files("app/run", "#!/bin/sh\n"));
        image = TestStoreImages.image(store, "amd64", List.of(base, top));
        store.tag("docker.io/library/app:1", image);
        store.tag("plain-name", image);
    }

    @Test
    void find_exactStoreTag_foundWithItsName() throws Exception {
        StoredImages.Image found = StoredImages.find(store, "plain-name", null).orElseThrow();
        assertEquals("plain-name", found.name());
        assertEquals(image.digest(), found.descriptor().digest());
        assertEquals(List.of(base.diffId(), top.diffId()), found.diffIds());
    }

    @Test
    void find_shortReference_normalisedLikeDocker() throws Exception {
        StoredImages.Image found = StoredImages.find(store, "app:1", null).orElseThrow();
        assertEquals("docker.io/library/app:1", found.name());
        assertEquals(image.digest(), found.descriptor().digest());
        assertTrue(StoredImages.find(store, "app", null).isEmpty(), "app means app:latest");
        assertTrue(StoredImages.find(store, "docker.io/library/app:2", null).isEmpty());
    }

    @Test
    void find_digestsAndPrefixes_manifestOrConfig() throws Exception {
        Digest config = store.readDocument(image.digest(), Manifest.class).value().config().digest();
        for (String ref : List.of(image.digest().toString(), image.digest().encoded(),
                image.digest().encoded().substring(0, 12), "sha256:" + image.digest().encoded().substring(0, 20),
                config.toString(), config.encoded().substring(0, 12), "app@" + image.digest())) {
            Optional<StoredImages.Image> found = StoredImages.find(store, ref, null);
            assertTrue(found.isPresent(), ref);
            assertEquals(image.digest(), found.get().descriptor().digest(), ref);
        }
        assertNull(StoredImages.find(store, image.digest().toString(), null).orElseThrow().name());
        assertTrue(StoredImages.find(store, image.digest().encoded().substring(0, 11), null).isEmpty(),
                "fewer than 12 hex digits is no id");
        assertTrue(StoredImages.find(store, "0".repeat(12), null).isEmpty());
    }

    @Test
    void find_configPrefixOfTwoManifests_ambiguous() throws Exception {
        Manifest m = store.readDocument(image.digest(), Manifest.class).value();
        Manifest annotated = new Manifest(2, MediaType.OCI_MANIFEST, null, m.config(), m.layers(), null,
                java.util.Map.of("org.example", "other manifest, same config"));
        Descriptor twin = store.write(MediaType.OCI_MANIFEST, Stored.of(annotated));
        store.tag("twin", twin);
        StoreException e = assertThrows(StoreException.class,
                () -> StoredImages.find(store, m.config().digest().encoded().substring(0, 12), null));
        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
        assertTrue(e.getMessage().contains(image.digest().toString()) && e.getMessage().contains(twin.digest().toString()),
                e.getMessage());
        assertEquals(twin.digest(), StoredImages.find(store, twin.digest().encoded().substring(0, 12), null)
                .orElseThrow().descriptor().digest(), "its own digest prefix is unique");
    }

    @Test
    void find_index_resolvedToRequestedPlatform() throws Exception {
        Descriptor arm = TestStoreImages.image(store, "arm64", List.of(top));
        ImageIndex index = ImageIndex.of(List.of(
                image.withPlatform(Platform.of("linux", "amd64", null)),
                arm.withPlatform(Platform.of("linux", "arm64", "v8"))));
        Descriptor indexDescriptor = store.write(MediaType.OCI_INDEX, Stored.of(index));
        store.tag("multi", indexDescriptor);
        StoredImages.Image armImage = StoredImages.find(store, "multi", Platform.of("linux", "arm64", "v8")).orElseThrow();
        assertEquals(arm.digest(), armImage.descriptor().digest());
        StoredImages.Image amd = StoredImages.find(store, "multi", Platform.of("linux", "amd64", null)).orElseThrow();
        assertEquals(image.digest(), amd.descriptor().digest());
        assertThrows(StoreException.class, () -> StoredImages.find(store, "multi", Platform.of("linux", "s390x", null)));
        assertEquals(indexDescriptor.digest(), StoredImages.resolve(store, "multi").orElseThrow().digest(),
                "resolve gives the index itself");
        assertEquals(MediaType.OCI_INDEX, StoredImages.resolve(store, indexDescriptor.digest().toString())
                .orElseThrow().mediaType());
    }

    @Test
    void tagsOf_digest_allNamesInIndexOrder() throws Exception {
        assertEquals(List.of("docker.io/library/app:1", "plain-name"), StoredImages.tagsOf(store, image.digest()));
        assertEquals(List.of(), StoredImages.tagsOf(store, base.descriptor().digest()));
    }

    @Test
    void layerDirs_unpackedOnceBottomFirst() throws Exception {
        StoredImages.Image found = StoredImages.find(store, "plain-name", null).orElseThrow();
        List<Path> dirs = StoredImages.layerDirs(store, found);
        assertEquals(List.of(store.layerDir(base.diffId()), store.layerDir(top.diffId())), dirs);
        assertEquals("ID=test\n", Files.readString(dirs.get(0).resolve("etc/os-release")));
        assertEquals("#!/bin/sh\n", Files.readString(dirs.get(1).resolve("app/run")));
        Files.writeString(dirs.get(0).resolve("marker"), "kept");
        assertEquals(dirs, StoredImages.layerDirs(store, found));
        assertTrue(Files.exists(dirs.get(0).resolve("marker")), "an existing layer dir is not unpacked again");
    }

    @Test
    void layerDir_wrongDiffId_corruptedAndNothingCommitted() throws Exception {
        Digest wrong = Digest.of("not the layer".getBytes());
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class,
                () -> StoredImages.layerDir(store, top.descriptor(), wrong));
        assertTrue(e.getMessage().contains(wrong.toString()), e.getMessage());
        assertFalse(store.hasLayerDir(wrong));
        try (var s = Files.list(store.tmpDir())) {
            assertEquals(0, s.count(), "the staging dir is removed");
        }
    }

    @Test
    void unpack_twoLayers_flattenedAndRefusesNonEmptyDir() throws Exception {
        Layer deleting = TestStoreImages.tarLayer(store, TestStoreImages.Entry.dir("etc/"),
                TestStoreImages.Entry.whiteout("etc/.wh.os-release"), TestStoreImages.Entry.file("etc/new", "n"));
        Descriptor d = TestStoreImages.image(store, "amd64", List.of(base, top, deleting));
        StoredImages.Image img = StoredImages.load(store, null, d, null);
        Path dir = tmp.resolve("rootfs");
        assertEquals(List.of(), StoredImages.unpack(store, img, dir));
        assertFalse(Files.exists(dir.resolve("etc/os-release")));
        assertEquals("n", Files.readString(dir.resolve("etc/new")));
        assertEquals("#!/bin/sh\n", Files.readString(dir.resolve("app/run")));
        assertTrue(Files.isDirectory(dir.resolve("bin")));
        StoreException e = assertThrows(StoreException.class, () -> StoredImages.unpack(store, img, dir));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    }

    @Test
    void emptyLayerDir_isTheEmptyTarsDir() throws Exception {
        Path empty = StoredImages.emptyLayerDir(store);
        assertEquals(store.layerDir(Digest.sha256("5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef")),
                empty);
        try (var s = Files.list(empty)) {
            assertEquals(0, s.count());
        }
        assertEquals(empty, StoredImages.emptyLayerDir(store));
    }
}
