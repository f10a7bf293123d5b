package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LayerWriterTest {
    @TempDir
    Path tmp;

    private static final LayerWriter.Options PLAIN = LayerWriter.Options.defaults()
            .withCompression(LayerWriter.Compression.NONE);

    private Path tree() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("tree"));
        Files.createDirectories(dir.resolve("b/c"));
        Files.writeString(dir.resolve("b/c/file.txt"), "hello");
        Files.writeString(dir.resolve("a.txt"), "A");
        Files.createLink(dir.resolve("b/hard"), dir.resolve("a.txt"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("b/c/file.txt"));
        TestTrees.mkfifo(dir.resolve("fifo"));
        Files.writeString(dir.resolve("suid"), "#!/bin/sh\n");
        TestTrees.chmod(dir.resolve("suid"), 04755);
        TestTrees.chmod(dir.resolve("b"), 01777);
        return dir;
    }

    private static byte[] tar(LayerWriter.Options options, Path dir) throws StoreException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LayerWriter(options).writeTar(dir, out);
        return out.toByteArray();
    }

    @Test
    void writeTar_tree_sortedEntriesOfEveryType() throws Exception {
        Path dir = tree();
        Map<String, TarArchiveEntry> e = TestTrees.entries(tar(PLAIN, dir));
        assertEquals(List.of("a.txt", "b/", "b/c/", "b/c/file.txt", "b/hard", "fifo", "link", "suid"),
                List.copyOf(e.keySet()));
        assertTrue(e.get("b/").isDirectory());
        assertEquals(01777, e.get("b/").getMode());
        assertTrue(e.get("b/hard").isLink());
        assertEquals("a.txt", e.get("b/hard").getLinkName());
        assertEquals(0, e.get("b/hard").getSize());
        assertTrue(e.get("link").isSymbolicLink());
        assertEquals("b/c/file.txt", e.get("link").getLinkName());
        assertTrue(e.get("fifo").isFIFO());
        assertEquals(04755, e.get("suid").getMode());
        assertEquals(5, e.get("b/c/file.txt").getSize());
        assertEquals("", e.get("a.txt").getUserName());
    }

    @Test
    void writeTar_sameTree_sameBytes() throws Exception {
        Path dir = tree();
        assertArrayEquals(tar(PLAIN, dir), tar(PLAIN, dir));
    }

    @Test
    void writeTar_sourceDateEpoch_clampsLaterMtimesOnly() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("t"));
        Files.writeString(dir.resolve("old"), "o");
        Files.writeString(dir.resolve("new"), "n");
        Files.setLastModifiedTime(dir.resolve("old"), FileTime.fromMillis(1_000_000_000L));
        Map<String, TarArchiveEntry> e = TestTrees.entries(tar(PLAIN.withSourceDateEpoch(2_000_000L), dir));
        assertEquals(1_000_000L, e.get("old").getModTime().getTime() / 1000);
        assertEquals(2_000_000L, e.get("new").getModTime().getTime() / 1000);
    }

    @Test
    void writeTar_longNamesAndBigIds_usePax() throws Exception {
        assumeTrue(TestTrees.isRoot(), "chown to a big uid needs root");
        Path dir = Files.createDirectories(tmp.resolve("t"));
        String longName = "d".repeat(120) + "/" + "f".repeat(150) + "-\u00e9t\u00e9";
        Path f = dir.resolve(longName);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "x");
        Files.createSymbolicLink(dir.resolve("l"), Path.of("t".repeat(200)));
        TestTrees.chown(f, 3_000_000, 4_000_000);
        Map<String, TarArchiveEntry> e = TestTrees.entries(tar(PLAIN, dir));
        assertTrue(e.containsKey(longName), e.keySet().toString());
        assertEquals(3_000_000L, e.get(longName).getLongUserId());
        assertEquals(4_000_000L, e.get(longName).getLongGroupId());
        assertEquals("t".repeat(200), e.get("l").getLinkName());
    }

    @Test
    void writeTar_devices_keepMajorMinor() throws Exception {
        assumeTrue(TestTrees.isRoot(), "mknod of devices needs root");
        Path dir = Files.createDirectories(tmp.resolve("t"));
        TestTrees.mknod(dir.resolve("null"), 0020666, 1, 3);
        TestTrees.mknod(dir.resolve("loop"), 0060660, 7, 300);
        Map<String, TarArchiveEntry> e = TestTrees.entries(tar(PLAIN, dir));
        assertTrue(e.get("null").isCharacterDevice());
        assertEquals(1, e.get("null").getDevMajor());
        assertEquals(3, e.get("null").getDevMinor());
        assertTrue(e.get("loop").isBlockDevice());
        assertEquals(7, e.get("loop").getDevMajor());
        assertEquals(300, e.get("loop").getDevMinor());
    }

    @Test
    void writeTar_xattrs_textAndBinaryBytesExact() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("t"));
        Path f = dir.resolve("f");
        Files.writeString(f, "x");
        byte[] binary = {(byte) 0xff, 0, (byte) 0x80, 'z'};
        assumeTrue(TestTrees.trySetXattr(f, "user.text", "v\u00e9".getBytes(StandardCharsets.UTF_8))
                && TestTrees.trySetXattr(f, "user.bin", binary), "file system without user xattrs");
        Path g = dir.resolve("g");
        Files.writeString(g, "y");
        TestTrees.trySetXattr(g, "user.text", "plain".getBytes(StandardCharsets.UTF_8));
        byte[] tar = tar(PLAIN, dir);
        assertTrue(indexOf(tar, record("SCHILY.xattr.user.bin", binary)) >= 0, "binary record");
        assertTrue(indexOf(tar, record("SCHILY.xattr.user.text", "v\u00e9".getBytes(StandardCharsets.UTF_8))) >= 0);
        Map<String, TarArchiveEntry> e = TestTrees.entries(tar);
        assertEquals(List.of("f", "g"), List.copyOf(e.keySet()));
        assertEquals("plain", e.get("g").getExtraPaxHeader("SCHILY.xattr.user.text"));
        assertEquals(1, e.get("f").getSize());
    }

    @Test
    void writeTar_overlayUpper_translatesWhiteouts() throws Exception {
        assumeTrue(TestTrees.isRoot(), "overlay whiteouts need root (mknod, trusted xattrs)");
        Path dir = Files.createDirectories(tmp.resolve("upper"));
        Files.createDirectories(dir.resolve("etc"));
        Whiteouts.createOverlayWhiteout(dir.resolve("etc/gone"));
        Path opq = Files.createDirectories(dir.resolve("opq"));
        Files.writeString(opq.resolve("new"), "n");
        Whiteouts.markOverlayOpaque(opq);
        Map<String, TarArchiveEntry> e = TestTrees.entries(tar(PLAIN.withOverlay(true), dir));
        assertEquals(List.of("etc/", "etc/.wh.gone", "opq/", "opq/.wh..wh..opq", "opq/new"), List.copyOf(e.keySet()));
        assertTrue(e.get("etc/.wh.gone").isFile());
        assertEquals(0, e.get("etc/.wh.gone").getSize());
        assertTrue(e.get("opq/").getExtraPaxHeaders().isEmpty(), "no trusted.overlay xattrs in the layer");
        // without overlay translation the device stays a device
        Map<String, TarArchiveEntry> raw = TestTrees.entries(tar(PLAIN, dir));
        assertTrue(raw.get("etc/gone").isCharacterDevice());
        assertFalse(raw.containsKey("opq/.wh..wh..opq"));
    }

    @Test
    void write_gzipIntoStore_diffIdAndDigestFromOnePass() throws Exception {
        Path dir = tree();
        BlobStore store = BlobStore.open(tmp.resolve("store"));
        Layer layer = new LayerWriter(LayerWriter.Options.defaults().withThreads(2)).write(dir, store);
        assertEquals(MediaType.OCI_LAYER_GZIP, layer.descriptor().mediaType());
        byte[] blob = store.readAll(layer.descriptor().digest());
        assertEquals(layer.descriptor().size(), blob.length);
        byte[] tar;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(blob))) {
            tar = in.readAllBytes();
        }
        assertEquals(Digest.of(tar), layer.diffId());
        assertArrayEquals(tar(PLAIN, dir), tar);
        // to a stream: the same layer
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Layer again = new LayerWriter(LayerWriter.Options.defaults().withThreads(1)).write(dir, out);
        assertEquals(layer, again);
    }

    @Test
    void write_uncompressed_diffIdIsDigest() throws Exception {
        Path dir = tree();
        Layer layer = new LayerWriter(PLAIN).write(dir, new ByteArrayOutputStream());
        assertEquals(layer.diffId(), layer.descriptor().digest());
        assertEquals(MediaType.OCI_LAYER, layer.descriptor().mediaType());
    }

    @Test
    void write_zstdIntoStore_diffIdAndDigestFromOnePass() throws Exception {
        Path dir = tree();
        BlobStore store = BlobStore.open(tmp.resolve("store"));
        LayerWriter.Options zstd = LayerWriter.Options.defaults().withCompression(LayerWriter.Compression.ZSTD);
        Layer layer = new LayerWriter(zstd.withThreads(2)).write(dir, store);
        assertEquals(MediaType.OCI_LAYER_ZSTD, layer.descriptor().mediaType());
        byte[] blob = store.readAll(layer.descriptor().digest());
        assertEquals(layer.descriptor().size(), blob.length);
        assertEquals(Compressions.Kind.ZSTD, Compressions.detect(blob, blob.length));
        // decoded by the zstd command, not by the library that wrote it
        byte[] tar = zstdCommand(blob);
        assertEquals(Digest.of(tar), layer.diffId());
        assertArrayEquals(tar(PLAIN, dir), tar);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(layer, new LayerWriter(zstd.withThreads(1)).write(dir, out));
        assertArrayEquals(blob, out.toByteArray());
    }

    @Test
    void write_zstdBigTree_sameBytesWhateverThreads() throws Exception {
        Path dir = tree();
        // 12 MiB of barely compressible data: several zstd jobs
        byte[] data = new byte[12 << 20];
        new java.util.Random(7).nextBytes(data);
        for (int i = 0; i < data.length; i += 3) {
            data[i] = (byte) (i >> 12);
        }
        Files.write(dir.resolve("big"), data);
        List<byte[]> blobs = new java.util.ArrayList<>();
        for (int threads : new int[] {1, 2, 5}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new LayerWriter(LayerWriter.Options.defaults().withCompression(LayerWriter.Compression.ZSTD)
                    .withThreads(threads)).write(dir, out);
            blobs.add(out.toByteArray());
        }
        assertArrayEquals(blobs.get(0), blobs.get(1));
        assertArrayEquals(blobs.get(0), blobs.get(2));
        assertTrue(blobs.get(0).length < data.length, "compressed");
        try (java.io.InputStream in = Compressions.decompressed(new ByteArrayInputStream(blobs.get(0)))) {
            assertArrayEquals(tar(PLAIN, dir), in.readAllBytes());
        }
    }

    @Test
    void write_zstd_extractsToTheSameTree() throws Exception {
        Path dir = tree();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LayerWriter(LayerWriter.Options.defaults().withCompression(LayerWriter.Compression.ZSTD)).write(dir, out);
        Path extracted = tmp.resolve("extracted");
        List<String> warnings = TarExtractor.of(TarExtractor.Mode.ROOTFS)
                .extract(new ByteArrayInputStream(out.toByteArray()), extracted);
        assertEquals(List.of(), warnings);
        assertArrayEquals(tar(PLAIN, dir), tar(PLAIN, extracted), "rewriting the extracted tree gives the same tar");
        assertEquals("hello", Files.readString(extracted.resolve("b/c/file.txt")));
        assertEquals(Path.of("b/c/file.txt"), Files.readSymbolicLink(extracted.resolve("link")));
        assertTrue(Files.isSameFile(extracted.resolve("a.txt"), extracted.resolve("b/hard")));
    }

    private byte[] zstdCommand(byte[] compressed) throws Exception {
        Path in = Files.write(tmp.resolve("blob.zst"), compressed);
        Process p = new ProcessBuilder("zstd", "-q", "-dc", in.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] plain = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "zstd -dc exit status");
        return plain;
    }

    static byte[] record(String key, byte[] value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((" " + key + "=").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(value);
        b.write('\n');
        return b.toByteArray();
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
