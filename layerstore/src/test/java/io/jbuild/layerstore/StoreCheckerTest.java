package io.jbuild.layerstore;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreCheckerTest {
    @TempDir
    Path temp;

    private BlobStore store;
    private StoredImages.Image image;
    private Path layerDir;

    @BeforeEach
    void setUp() throws Exception {
        store = BlobStore.open(temp.resolve("store"));
        ArchiveTestImages.image(store, temp.resolve("work"), "busybox", 2);
        image = StoredImages.find(store, "busybox", null).orElseThrow();
        layerDir = StoredImages.layerDirs(store, image).get(0);
    }

    private List<StoreChecker.Problem> check() throws StoreException {
        return StoreChecker.check(store.root());
    }

    private static List<StoreChecker.Kind> kinds(List<StoreChecker.Problem> problems) {
        return problems.stream().map(StoreChecker.Problem::kind).toList();
    }

    @Test
    void check_cleanStore_noProblems() throws Exception {
        assertEquals(List.of(), check());
        assertTrue(Files.isRegularFile(store.layerDirRecord(image.diffIds().get(0))));
    }

    @Test
    void check_corruptBlob_reportedAsDamageNamingTheBlob() throws Exception {
        Path layer = store.blobPath(image.manifest().layers().get(1).digest());
        byte[] bytes = Files.readAllBytes(layer);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(layer, bytes);
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.CORRUPT_BLOB), kinds(problems));
        assertEquals(layer, problems.get(0).path());
        assertTrue(problems.get(0).message().contains("used by manifest " + image.descriptor().digest()
                + " of tag docker.io/library/busybox:latest"), problems.get(0).message());
        assertTrue(problems.get(0).isDamage());
        assertTrue(problems.get(0).message().contains("content has digest sha256:"), problems.get(0).message());
    }

    @Test
    void check_deletedConfig_reportedMissing() throws Exception {
        Path config = store.blobPath(image.config().digest());
        Files.delete(config);
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.MISSING_BLOB), kinds(problems));
        assertEquals(config, problems.get(0).path());
        assertTrue(problems.get(0).message().contains("docker.io/library/busybox:latest"), problems.get(0).message());
    }

    @Test
    void check_deletedLayerBlob_reportedMissing() throws Exception {
        Files.delete(store.blobPath(image.manifest().layers().get(0).digest()));
        assertEquals(List.of(StoreChecker.Kind.MISSING_BLOB), kinds(check()));
    }

    @Test
    void check_fileWrittenIntoLayerDir_reportedChanged() throws Exception {
        Files.writeString(layerDir.resolve("etc/layer0"), "tampered\n");
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.LAYER_DIR_CHANGED), kinds(problems));
        assertTrue(problems.get(0).message().contains("etc/layer0 changed"), problems.get(0).message());
    }

    @Test
    void check_fileAddedRemovedOrChmodded_reportedChanged() throws Exception {
        Files.writeString(layerDir.resolve("new"), "x");
        Files.delete(layerDir.resolve("data0.bin"));
        Files.setPosixFilePermissions(layerDir.resolve("etc"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.LAYER_DIR_CHANGED), kinds(problems));
        String message = problems.get(0).message();
        assertTrue(message.contains("new was added") && message.contains("data0.bin is missing")
                && message.contains("etc changed"), message);
    }

    @Test
    void check_xattrSetOrMtimeMoved_reportedChanged() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                TestTrees.trySetXattr(layerDir.resolve("etc"), "trusted.overlay.opaque", new byte[] {'y'})
                        || TestTrees.trySetXattr(layerDir.resolve("etc"), "user.test", new byte[] {'y'}),
                "no extended attributes on this file system");
        Files.setLastModifiedTime(layerDir.resolve("data0.bin"), java.nio.file.attribute.FileTime.fromMillis(12345));
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.LAYER_DIR_CHANGED), kinds(problems));
        assertTrue(problems.get(0).message().startsWith("2 difference(s) from its record: data0.bin changed"),
                problems.get(0).message());
    }

    @Test
    void check_layerDirWithoutRecord_warningOnly() throws Exception {
        Files.delete(store.layerDirRecord(image.diffIds().get(0)));
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.LAYER_DIR_UNRECORDED), kinds(problems));
        assertFalse(problems.get(0).isDamage());
    }

    @Test
    void check_recordWithoutDir_removedAsInfo() throws Exception {
        Directories.deleteRecursively(layerDir);
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.STALE_RECORD), kinds(problems));
        assertFalse(Files.exists(store.layerDirRecord(image.diffIds().get(0))));
        assertEquals(List.of(), check());
    }

    @Test
    void check_deadWritersTempFiles_removedAsInfoLiveOnesKept() throws Exception {
        long dead = deadPid();
        Path stale = store.tmpDir().resolve(dead + ".1234.blob");
        Files.writeString(stale, "partial");
        Path staleDir = Files.createDirectories(store.tmpDir().resolve(dead + ".5678.unpack/a"));
        Path live = store.tmpDir().resolve(ProcessHandle.current().pid() + ".99.blob");
        Files.writeString(live, "in use");
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.STALE_TEMP, StoreChecker.Kind.STALE_TEMP), kinds(problems));
        assertTrue(problems.stream().noneMatch(StoreChecker.Problem::isDamage));
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleDir.getParent()));
        assertTrue(Files.exists(live));
    }

    @Test
    void checkDeep_layerBlobNotMatchingConfigDiffId_reported() throws Exception {
        // a manifest pointing at the layers in the wrong order: every blob is intact, the pairing is not
        java.util.List<Descriptor> swapped = new java.util.ArrayList<>(image.manifest().layers());
        java.util.Collections.reverse(swapped);
        Descriptor manifest = store.write(MediaType.OCI_MANIFEST, Json.write(Manifest.of(image.manifest().config(), swapped)));
        store.tag("docker.io/library/swapped:v1", manifest);
        assertEquals(List.of(), StoreChecker.check(store.root(), false));
        List<StoreChecker.Problem> problems = StoreChecker.check(store.root(), true);
        assertEquals(List.of(StoreChecker.Kind.DIFF_ID_MISMATCH, StoreChecker.Kind.DIFF_ID_MISMATCH), kinds(problems));
        assertTrue(problems.get(0).message().contains("swapped:v1"), problems.get(0).message());
    }

    @Test
    void checkDeep_cleanStore_noProblems() throws Exception {
        assertEquals(List.of(), StoreChecker.check(store.root(), true));
    }

    @Test
    void check_brokenIndexJson_damage() throws Exception {
        Files.writeString(store.root().resolve("index.json"), "{\"schemaVersion\":2,");
        assertEquals(List.of(StoreChecker.Kind.INVALID_DOCUMENT), kinds(check()));
    }

    @Test
    void check_indexJsonDeleted_damageReported() throws Exception {
        Files.delete(store.root().resolve("index.json"));
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.INVALID_DOCUMENT), kinds(problems));
        assertTrue(problems.get(0).message().startsWith("missing: every tag is lost"), problems.get(0).message());
        assertTrue(problems.get(0).isDamage());
    }

    @Test
    void check_descriptorSizeWrong_damage() throws Exception {
        Descriptor d = store.resolve("docker.io/library/busybox:latest").orElseThrow();
        store.tag("docker.io/library/busybox:latest", new Descriptor(d.mediaType(), d.digest(), d.size() + 1,
                null, null, null, null, null));
        assertEquals(List.of(StoreChecker.Kind.SIZE_MISMATCH), kinds(check()));
    }

    @Test
    void check_strayFiles_warnings() throws Exception {
        Files.writeString(store.root().resolve("blobs/sha256/not-a-digest"), "x");
        Files.writeString(store.root().resolve("layers/junk"), "x");
        List<StoreChecker.Problem> problems = check();
        assertEquals(List.of(StoreChecker.Kind.UNEXPECTED_FILE, StoreChecker.Kind.UNEXPECTED_FILE), kinds(problems));
        assertTrue(problems.stream().noneMatch(StoreChecker.Problem::isDamage));
    }

    @Test
    void check_noStore_error() {
        assertThrows(StoreException.class, () -> StoreChecker.check(temp.resolve("nothing")));
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
