package io.jbuild.layerstore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlobStoreTest {
    @TempDir
    Path root;

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

    @Test
    void open_newRoot_isAnOciLayout() throws Exception {
        BlobStore.open(root);
        assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(root.resolve("oci-layout")));
        DocumentValidator.validate(MediaType.OCI_INDEX, Files.readAllBytes(root.resolve("index.json")));
        for (String dir : List.of("blobs/sha256", "layers", "cache", "tmp")) {
            assertTrue(Files.isDirectory(root.resolve(dir)), dir);
        }
    }

    @Test
    void write_bytes_storedUnderDigestAndReadBack() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor d = store.write(MediaType.OCI_LAYER, HELLO);
        assertEquals(Digest.of(HELLO), d.digest());
        assertEquals(5, d.size());
        assertTrue(Files.isRegularFile(root.resolve("blobs/sha256/" + d.digest().hex())));
        assertArrayEquals(HELLO, store.readAll(d.digest()));
        try (InputStream in = store.open(d.digest())) {
            assertArrayEquals(HELLO, in.readAllBytes());
        }
        assertEquals(List.of(), tmpEntries());
    }

    @Test
    void write_existingTarget_succeedsWithoutReading() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor d = store.write(MediaType.OCI_LAYER, HELLO);
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("must not be read");
            }
        };
        assertEquals(d, store.write(d, failing));
        assertEquals(d, store.write(MediaType.OCI_LAYER, new ByteArrayInputStream(HELLO)));
    }

    @Test
    void write_wrongDigest_rejectedAndNothingStored() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor expected = Descriptor.of(MediaType.OCI_LAYER, Digest.of("other".getBytes()), 5);
        UnexpectedContentException e = assertThrows(UnexpectedContentException.class,
                () -> store.write(expected, new ByteArrayInputStream(HELLO)));
        assertTrue(e.getMessage().startsWith("write blob " + expected.digest()), e.getMessage());
        assertFalse(store.contains(expected.digest()));
        assertFalse(store.contains(Digest.of(HELLO)));
        assertEquals(List.of(), tmpEntries());
    }

    @Test
    void write_wrongSize_rejected() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor expected = Descriptor.of(MediaType.OCI_LAYER, Digest.of(HELLO), 6);
        assertThrows(UnexpectedContentException.class, () -> store.write(expected, new ByteArrayInputStream(HELLO)));
        assertFalse(store.contains(Digest.of(HELLO)));
    }

    @Test
    void write_sourceFailsMidway_leavesNoBlobAndNoTmp() throws Exception {
        BlobStore store = BlobStore.open(root);
        InputStream broken = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ > 1000) {
                    throw new IOException("connection reset");
                }
                return 'a';
            }
        };
        StoreException e = assertThrows(StoreException.class, () -> store.write(MediaType.OCI_LAYER, broken));
        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
        assertEquals(List.of(), blobEntries());
        assertEquals(List.of(), tmpEntries());
    }

    @Test
    void open_corruptedBlob_throwsDigestMismatchAtEof() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor d = store.write(MediaType.OCI_LAYER, HELLO);
        Files.write(store.blobPath(d.digest()), "hellO".getBytes(StandardCharsets.UTF_8));
        try (InputStream in = store.open(d.digest())) {
            byte[] buf = new byte[5];
            assertEquals(5, in.readNBytes(buf, 0, 5)); // not yet at EOF: no verdict
            DigestMismatchException e = assertThrows(DigestMismatchException.class, in::read);
            assertEquals(d.digest(), e.expected());
            assertEquals(Digest.of("hellO".getBytes(StandardCharsets.UTF_8)), e.actual());
        }
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> store.readAll(d.digest()));
        assertTrue(e.getMessage().contains(d.digest().toString()), e.getMessage());
    }

    @Test
    void open_truncatedBlob_throwsDigestMismatch() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor d = store.write(MediaType.OCI_LAYER, HELLO);
        Files.write(store.blobPath(d.digest()), "hell".getBytes(StandardCharsets.UTF_8));
        assertThrows(StoreCorruptedException.class, () -> store.readAll(d.digest()));
    }

    @Test
    void open_missingBlob_throwsNotFound() throws Exception {
        BlobStore store = BlobStore.open(root);
        BlobNotFoundException e = assertThrows(BlobNotFoundException.class, () -> store.open(Digest.of(HELLO)));
        assertEquals("open blob " + Digest.of(HELLO) + ": not found in the store", e.getMessage());
    }

    @Test
    void tag_thenResolveListUntag_behaves() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor a = store.write(MediaType.OCI_MANIFEST, "a".getBytes());
        Descriptor b = store.write(MediaType.OCI_MANIFEST, "b".getBytes());
        store.tag("docker.io/library/busybox:latest", a);
        store.tag("app:1", a);
        store.tag("app:1", b); // retag replaces
        assertEquals(2, store.list().size());
        assertEquals(b.digest(), store.resolve("app:1").orElseThrow().digest());
        assertEquals("app:1", store.list().get(0).annotations().get(BlobStore.REF_NAME));
        assertTrue(store.untag("app:1"));
        assertFalse(store.untag("app:1"));
        assertEquals(List.of("docker.io/library/busybox:latest"), names(store));
        DocumentValidator.validate(MediaType.OCI_INDEX, Files.readAllBytes(root.resolve("index.json")));
    }

    @Test
    void tag_invalidName_rejected() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor a = store.write(MediaType.OCI_MANIFEST, "a".getBytes());
        assertThrows(InvalidValueException.class, () -> store.tag("bad name", a));
    }

    @Test
    void tag_concurrentThreads_noTagLost() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor a = store.write(MediaType.OCI_MANIFEST, "a".getBytes());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                BlobStore own = BlobStore.open(root); // separate instances share the locks too
                for (int i = 0; i < 25; i++) {
                    own.tag("t" + thread + "-" + i, a);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(200, store.list().size());
    }

    @Test
    void tag_concurrentProcesses_noTagLost() throws Exception {
        BlobStore store = BlobStore.open(root);
        Descriptor a = store.write(MediaType.OCI_MANIFEST, "a".getBytes());
        Process p1 = StoreChildProcess.start("tag", root.toString(), "p1", "40");
        Process p2 = StoreChildProcess.start("tag", root.toString(), "p2", "40");
        for (int i = 0; i < 40; i++) {
            store.tag("here-" + i, a);
        }
        for (Process p : List.of(p1, p2)) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child timed out");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
        }
        Set<String> names = new HashSet<>(names(store));
        assertEquals(120, names.size());
        for (int i = 0; i < 40; i++) {
            assertTrue(names.containsAll(List.of("here-" + i, "p1-" + i, "p2-" + i)), "lost tag " + i);
        }
    }

    @Test
    void write_writerKilled_leavesOnlyTmpFileWhichIsCleaned() throws Exception {
        BlobStore.open(root);
        Process p = StoreChildProcess.start("write-slow", root.toString());
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("writing", r.readLine());
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        List<String> tmp = tmpEntries();
        assertEquals(1, tmp.size(), tmp.toString());
        assertTrue(tmp.get(0).startsWith(p.pid() + "."), tmp.toString());
        assertEquals(List.of(), blobEntries());
        BlobStore.open(root); // cleans dead writers' files
        assertEquals(List.of(), tmpEntries());
    }

    @Test
    void cleanTmp_ownFiles_kept() throws Exception {
        BlobStore store = BlobStore.open(root);
        Path dir = store.createTempDirectory("upper");
        Files.writeString(root.resolve("tmp/999999999.abc.blob"), "x"); // no such pid
        assertEquals(1, store.cleanTmp());
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void commitLayerDir_twice_keepsFirstAndRemovesStaged() throws Exception {
        BlobStore store = BlobStore.open(root);
        Digest diffId = Digest.of(HELLO);
        Path first = store.createTempDirectory("layer");
        Files.writeString(first.resolve("f"), "1");
        Path second = store.createTempDirectory("layer");
        Files.writeString(second.resolve("f"), "2");
        assertEquals(store.layerDir(diffId), store.commitLayerDir(first, diffId));
        assertEquals(store.layerDir(diffId), store.commitLayerDir(second, diffId));
        assertEquals("1", Files.readString(store.layerDir(diffId).resolve("f")));
        assertFalse(Files.exists(second));
        assertTrue(store.hasLayerDir(diffId));
    }

    private static List<String> names(BlobStore store) throws StoreException {
        return store.list().stream().map(d -> d.annotations().get(BlobStore.REF_NAME)).collect(Collectors.toList());
    }

    private List<String> tmpEntries() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("tmp"))) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private List<String> blobEntries() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("blobs/sha256"))) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
