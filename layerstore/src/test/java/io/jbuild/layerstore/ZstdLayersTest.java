package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** zstd layers read wherever layers are read: unpack, layer dirs, diff, save and load, fsck --deep. */
class ZstdLayersTest {
    @TempDir
    Path tmp;

    private BlobStore store;
    private Layer base;
    private Layer top;
    private StoredImages.Image image;

    private Layer zstdLayer(Map<String, String> files) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "layer");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.createDirectories(dir.resolve(f.getKey()).getParent());
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        return new LayerWriter(LayerWriter.Options.defaults().withCompression(LayerWriter.Compression.ZSTD)
                .withSourceDateEpoch(0L)).write(dir, store);
    }

    @BeforeEach
    void setUp() throws Exception {
        store = BlobStore.open(tmp.resolve("store"));
        base = zstdLayer(Map.of("etc/os-release", "ID=zstd\n", "etc/hostname", "box\n"));
        top = TestStoreImages.tarLayer(store, TestStoreImages.Entry.dir("etc/"),
                TestStoreImages.Entry.whiteout("etc/.wh.hostname"), TestStoreImages.Entry.file("etc/motd", "hi\n"));
        Descriptor d = TestStoreImages.image(store, "amd64", List.of(base, top));
        store.tag("docker.io/library/zstd:1", d);
        image = StoredImages.find(store, "zstd:1", null).orElseThrow();
        assertEquals(MediaType.OCI_LAYER_ZSTD, image.manifest().layers().get(0).mediaType());
    }

    @Test
    void detect_magicBytes_gzipZstdOrNone() {
        assertEquals(Compressions.Kind.GZIP, Compressions.detect(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 4));
        assertEquals(Compressions.Kind.ZSTD, Compressions.detect(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, 4));
        assertEquals(Compressions.Kind.NONE, Compressions.detect(new byte[] {0x28, (byte) 0xb5, 0x2f}, 3));
        assertEquals(Compressions.Kind.NONE, Compressions.detect("etc/".getBytes(StandardCharsets.US_ASCII), 4));
    }

    @Test
    void decompressed_zstdCommandOutputWithChecksumAndTwoFrames_readWhole() throws Exception {
        Path a = Files.writeString(tmp.resolve("a"), "first frame\n".repeat(1000));
        Path b = Files.writeString(tmp.resolve("b"), "second frame\n");
        TestTrees.run("zstd", "-q", "-19", "--check", a.toString(), "-o", tmp.resolve("a.zst").toString());
        TestTrees.run("zstd", "-q", b.toString(), "-o", tmp.resolve("b.zst").toString());
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(Files.readAllBytes(tmp.resolve("a.zst")));
        both.writeBytes(Files.readAllBytes(tmp.resolve("b.zst")));
        try (InputStream in = Compressions.decompressed(new ByteArrayInputStream(both.toByteArray()))) {
            assertEquals("first frame\n".repeat(1000) + "second frame\n", new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void extract_truncatedZstdLayer_fails() throws Exception {
        byte[] blob = store.readAll(base.descriptor().digest());
        byte[] truncated = java.util.Arrays.copyOf(blob, blob.length - 8);
        StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
                () -> TarExtractor.of(TarExtractor.Mode.ROOTFS).extract(new ByteArrayInputStream(truncated),
                        tmp.resolve("truncated")));
        assertTrue(e.getMessage().startsWith("extract "), e.getMessage());
    }

    @Test
    void layerDirs_zstdLayer_unpackedAndDiffIdChecked() throws Exception {
        List<Path> dirs = StoredImages.layerDirs(store, image);
        assertEquals(store.layerDir(base.diffId()), dirs.get(0));
        assertEquals("ID=zstd\n", Files.readString(dirs.get(0).resolve("etc/os-release")));
        Digest wrong = Digest.of("not the layer".getBytes(StandardCharsets.UTF_8));
        StoreCorruptedException e = org.junit.jupiter.api.Assertions.assertThrows(StoreCorruptedException.class,
                () -> StoredImages.layerDir(store, base.descriptor(), wrong));
        assertTrue(e.getMessage().contains(base.diffId().toString()), e.getMessage());
    }

    @Test
    void unpack_zstdUnderGzip_flattened() throws Exception {
        Path dir = tmp.resolve("rootfs");
        assertEquals(List.of(), StoredImages.unpack(store, image, dir));
        assertEquals("ID=zstd\n", Files.readString(dir.resolve("etc/os-release")));
        assertEquals("hi\n", Files.readString(dir.resolve("etc/motd")));
        assertFalse(Files.exists(dir.resolve("etc/hostname")));
    }

    @Test
    void compare_zstdLayers_changesListed() throws Exception {
        Descriptor only = TestStoreImages.image(store, "amd64", List.of(base));
        StoredImages.Image from = StoredImages.load(store, null, only, null);
        assertEquals(List.of("C /etc", "D /etc/hostname", "A /etc/motd"),
                ImageDiff.compare(store, from, image).stream().map(ImageDiff.Change::toString).toList());
    }

    @Test
    void checkDeep_zstdLayers_verifiedAndMismatchReported() throws Exception {
        assertEquals(List.of(), StoreChecker.check(store.root(), true));
        // the manifest pairs the zstd blob with the other layer's diff id
        Descriptor swapped = store.write(MediaType.OCI_MANIFEST, Json.write(Manifest.of(image.manifest().config(),
                List.of(top.descriptor(), base.descriptor()))));
        store.tag("docker.io/library/swapped:1", swapped);
        List<StoreChecker.Problem> problems = StoreChecker.check(store.root(), true);
        assertEquals(List.of(StoreChecker.Kind.DIFF_ID_MISMATCH, StoreChecker.Kind.DIFF_ID_MISMATCH),
                problems.stream().map(StoreChecker.Problem::kind).toList());
        assertTrue(problems.stream().anyMatch(p -> p.path().equals(store.blobPath(base.descriptor().digest()))),
                problems.toString());
    }

    @Test
    void writeDockerArchive_zstdLayer_plainLayerTarThatLoadsBack() throws Exception {
        NamedImage named = new NamedImage("docker.io/library/zstd:1", image.descriptor());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageExporter.writeDockerArchive(store, List.of(named), out);
        Map<String, byte[]> files = entries(out.toByteArray());
        byte[] layerTar = files.get(base.diffId().encoded() + "/layer.tar");
        assertEquals(Compressions.Kind.NONE, Compressions.detect(layerTar, layerTar.length));
        assertEquals(base.diffId(), Digest.of(layerTar));

        BlobStore target = BlobStore.open(tmp.resolve("target"));
        Path archive = Files.write(tmp.resolve("docker.tar"), out.toByteArray());
        List<NamedImage> loaded = ImageImporter.load(target, archive);
        StoredImages.Image back = StoredImages.load(target, null, loaded.get(0).manifest(), null);
        assertEquals(image.diffIds(), back.diffIds());
        assertEquals(List.of(), StoredImages.unpack(target, back, tmp.resolve("loaded")));
        assertEquals("hi\n", Files.readString(tmp.resolve("loaded/etc/motd")));
    }

    @Test
    void load_dockerArchiveWithZstdLayerTar_keptZstd() throws Exception {
        NamedImage named = new NamedImage("docker.io/library/zstd:1", image.descriptor());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageExporter.writeDockerArchive(store, List.of(named), out);
        // the same archive with the base layer.tar replaced by the zstd blob, as containerd-backed docker saves
        byte[] zstdBlob = store.readAll(base.descriptor().digest());
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(rewritten)) {
            for (Map.Entry<String, byte[]> f : entries(out.toByteArray()).entrySet()) {
                byte[] data = f.getKey().equals(base.diffId().encoded() + "/layer.tar") ? zstdBlob : f.getValue();
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(data.length);
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        BlobStore target = BlobStore.open(tmp.resolve("target"));
        List<NamedImage> loaded = ImageImporter.load(target, Files.write(tmp.resolve("z.tar"), rewritten.toByteArray()));
        StoredImages.Image back = StoredImages.load(target, null, loaded.get(0).manifest(), null);
        assertEquals(base.descriptor(), back.manifest().layers().get(0));
        assertEquals(image.diffIds(), back.diffIds());
        assertEquals(List.of(), StoreChecker.check(target.root(), true));
    }

    @Test
    void load_zstdCompressedOciArchive_inProcess() throws Exception {
        NamedImage named = new NamedImage("docker.io/library/zstd:1", image.descriptor());
        ByteArrayOutputStream oci = new ByteArrayOutputStream();
        ImageExporter.writeOciLayout(store, List.of(named), oci);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream z = Compressions.zstdOutput(compressed, 2)) {
            z.write(oci.toByteArray());
        }
        BlobStore target = BlobStore.open(tmp.resolve("target"));
        List<NamedImage> loaded = ImageImporter.load(target, Files.write(tmp.resolve("oci.tar.zst"),
                compressed.toByteArray()));
        assertEquals(image.descriptor().digest(), loaded.get(0).manifest().digest());
        assertArrayEquals(store.readAll(base.descriptor().digest()), target.readAll(base.descriptor().digest()));
    }

    private static Map<String, byte[]> entries(byte[] tar) throws IOException {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (!e.isDirectory()) {
                    files.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return files;
    }
}
