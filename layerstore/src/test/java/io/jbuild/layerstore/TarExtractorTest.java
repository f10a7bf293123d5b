package io.jbuild.layerstore;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TarExtractorTest {
    @TempDir
    Path tmp;

    private static final LayerWriter.Options PLAIN = LayerWriter.Options.defaults()
            .withCompression(LayerWriter.Compression.NONE);

    private static byte[] tarOf(Path dir, boolean overlay) throws StoreException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LayerWriter(PLAIN.withOverlay(overlay)).writeTar(dir, out);
        return out.toByteArray();
    }

    private static List<String> extract(TarExtractor.Mode mode, byte[] tar, Path root) throws StoreException {
        return TarExtractor.of(mode).extract(new ByteArrayInputStream(tar), root);
    }

    @TestFactory
    Stream<DynamicTest> extract_hostileTar_rejectedNamingEntryAndNothingOutside() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, HostileTars.Case> c : HostileTars.all().entrySet()) {
            for (TarExtractor.Mode mode : TarExtractor.Mode.values()) {
                tests.add(DynamicTest.dynamicTest(c.getKey() + " " + mode, () -> {
                    byte[] committed = Files.readAllBytes(HostileTars.DIR.resolve(c.getKey()));
                    assertArrayEquals(c.getValue().tar(), committed, "committed file differs from HostileTars");
                    Path base = Files.createDirectories(tmp.resolve(c.getKey() + "-" + mode));
                    Path ab = Files.createDirectories(base.resolve("a/b"));
                    Path outside = Files.createDirectories(ab.resolve("outside"));
                    Files.writeString(outside.resolve("secret"), "secret");
                    Path root = Files.createDirectories(ab.resolve("root"));
                    Map<String, String> before = snapshot(base, root);
                    UnsafeEntryException e = assertThrows(UnsafeEntryException.class,
                            () -> extract(mode, committed, root));
                    assertEquals(c.getValue().badEntry(), e.entry());
                    assertTrue(e.getMessage().startsWith("extract entry \"" + c.getValue().badEntry() + "\": "),
                            e.getMessage());
                    assertEquals(before, snapshot(base, root), "something changed outside the root");
                    assertFalse(Files.exists(Path.of("/jbuild-hostile-absolute.txt")));
                    assertFalse(Files.exists(Path.of("/tmp/escape.txt")));
                }));
            }
        }
        return tests.stream();
    }

    /** Paths and contents under base, excluding the root dir's own content. */
    private static Map<String, String> snapshot(Path base, Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : s.filter(p -> !p.startsWith(root) || p.equals(root)).collect(Collectors.toList())) {
                String v = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readString(p)
                        : Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p) : "dir";
                m.put(base.relativize(p).toString(), v);
            }
        }
        return m;
    }

    @Test
    void extract_layerWriterTree_roundTrips() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("b/c"));
        Files.writeString(src.resolve("b/c/file.txt"), "hello");
        Files.writeString(src.resolve("a.txt"), "A");
        Files.createLink(src.resolve("b/hard"), src.resolve("a.txt"));
        Files.createSymbolicLink(src.resolve("link"), Path.of("b/c/file.txt"));
        TestTrees.mkfifo(src.resolve("fifo"));
        Files.writeString(src.resolve("suid"), "x");
        TestTrees.chmod(src.resolve("suid"), 04755);
        Files.setLastModifiedTime(src.resolve("b/c"), FileTime.fromMillis(1_000_000_000_000L));
        byte[] tar = tarOf(src, false);
        Path dst = tmp.resolve("dst");
        assertEquals(List.of(), extract(TarExtractor.Mode.ROOTFS, tar, dst));
        assertArrayEquals(tar, tarOf(dst, false), "extracting and re-archiving gives the same tar");
        assertEquals(Files.getAttribute(dst.resolve("a.txt"), "unix:ino"), Files.getAttribute(dst.resolve("b/hard"), "unix:ino"));
        assertEquals(04755, ((Integer) Files.getAttribute(dst.resolve("suid"), "unix:mode")) & 07777);
    }

    @Test
    void extract_gzipLayer_detected() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("f"), "gz");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LayerWriter(LayerWriter.Options.defaults()).write(src, out);
        Path dst = tmp.resolve("dst");
        TarExtractor.of(TarExtractor.Mode.ROOTFS).extract(new ByteArrayInputStream(out.toByteArray()), dst);
        assertEquals("gz", Files.readString(dst.resolve("f")));
    }

    private byte[] upperLayer() throws Exception {
        // a layer that deletes a/x, makes d opaque with one new file, and adds a/x2
        Path up = Files.createDirectories(tmp.resolve("up"));
        Files.createDirectories(up.resolve("a"));
        Files.writeString(up.resolve("a/.wh.x"), "");
        Files.writeString(up.resolve("a/x2"), "new");
        Files.createDirectories(up.resolve("d"));
        Files.writeString(up.resolve("d/.wh..wh..opq"), "");
        Files.writeString(up.resolve("d/new"), "n");
        return tarOf(up, false);
    }

    @Test
    void extract_rootfsWhiteouts_deleteLowerContentOnly() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/x"), "old");
        Files.writeString(root.resolve("a/y"), "keep");
        Files.createDirectories(root.resolve("d/sub"));
        Files.writeString(root.resolve("d/old"), "old");
        extract(TarExtractor.Mode.ROOTFS, upperLayer(), root);
        assertFalse(Files.exists(root.resolve("a/x")));
        assertEquals("keep", Files.readString(root.resolve("a/y")));
        assertEquals("new", Files.readString(root.resolve("a/x2")));
        try (Stream<Path> s = Files.list(root.resolve("d"))) {
            assertEquals(List.of("new"), s.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
        assertFalse(Files.exists(root.resolve("a/.wh.x")));
    }

    @Test
    void extract_overlayMode_writesOverlayWhiteouts() throws Exception {
        assumeTrue(TestTrees.isRoot(), "overlay whiteouts need root (mknod, trusted xattrs)");
        Path lower = tmp.resolve("lower");
        extract(TarExtractor.Mode.OVERLAY, upperLayer(), lower);
        Map<String, Object> a = Files.readAttributes(lower.resolve("a/x"), "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        assertTrue(Whiteouts.isOverlayWhiteout((Integer) a.get("mode"), (Long) a.get("rdev")));
        assertTrue(Whiteouts.isOverlayOpaque(lower.resolve("d")));
        assertEquals("n", Files.readString(lower.resolve("d/new")));
        assertFalse(Files.exists(lower.resolve("d/.wh..wh..opq")));
        // and the lower dir written back as a layer gives the OCI whiteouts again
        Map<String, org.apache.commons.compress.archivers.tar.TarArchiveEntry> e = TestTrees.entries(tarOf(lower, true));
        assertEquals(List.of("a/", "a/.wh.x", "a/x2", "d/", "d/.wh..wh..opq", "d/new"), List.copyOf(e.keySet()));
    }

    @Test
    void extract_absoluteSymlinkInPath_followedInsideRoot() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("real"));
        Files.createSymbolicLink(src.resolve("abs"), Path.of("/real"));
        byte[] first = tarOf(src, false);
        Path root = tmp.resolve("root");
        extract(TarExtractor.Mode.ROOTFS, first, root);
        Path second = Files.createDirectories(tmp.resolve("second"));
        Files.createDirectories(second.resolve("abs"));
        Files.writeString(second.resolve("abs/inside.txt"), "in");
        // second layer has dir "abs/" which replaces the symlink; use a raw file entry instead
        Files.delete(second.resolve("abs/inside.txt"));
        Files.delete(second.resolve("abs"));
        Files.writeString(second.resolve("x"), "x");
        extract(TarExtractor.Mode.ROOTFS, tarOf(second, false), root);
        // write through the absolute symlink with a hand-made entry
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream t =
                     new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
                    new org.apache.commons.compress.archivers.tar.TarArchiveEntry("abs/inside.txt");
            e.setSize(2);
            t.putArchiveEntry(e);
            t.write("in".getBytes());
            t.closeArchiveEntry();
        }
        extract(TarExtractor.Mode.ROOTFS, out.toByteArray(), root);
        assertEquals("in", Files.readString(root.resolve("real/inside.txt")));
        assertTrue(Files.isSymbolicLink(root.resolve("abs")));
    }

    @Test
    void extract_whiteoutOfSameLayerFile_keepsIt() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream t =
                     new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            for (String name : List.of("f", ".wh.f")) {
                org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
                        new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
                e.setSize(1);
                t.putArchiveEntry(e);
                t.write('z');
                t.closeArchiveEntry();
            }
        }
        Path root = tmp.resolve("root");
        extract(TarExtractor.Mode.ROOTFS, out.toByteArray(), root);
        assertEquals("z", Files.readString(root.resolve("f")));
    }

    @Test
    void extract_binaryAndTextXattrs_restoredByteExact() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path f = src.resolve("f");
        Files.writeString(f, "x");
        Files.writeString(src.resolve("g"), "y".repeat(1000));
        byte[] binary = {(byte) 0xff, 0, (byte) 0x80, 'z', '\n', '='};
        assumeTrue(TestTrees.trySetXattr(f, "user.bin", binary)
                && TestTrees.trySetXattr(f, "user.text", "v\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "file system without user xattrs");
        TestTrees.trySetXattr(src.resolve("g"), "user.other", "o".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path dst = tmp.resolve("dst");
        assertEquals(List.of(), extract(TarExtractor.Mode.ROOTFS, tarOf(src, false), dst));
        assertArrayEquals(binary, Xattrs.get(dst.resolve("f"), "user.bin"));
        assertArrayEquals("v\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8), Xattrs.get(dst.resolve("f"), "user.text"));
        assertArrayEquals("o".getBytes(java.nio.charset.StandardCharsets.UTF_8), Xattrs.get(dst.resolve("g"), "user.other"));
        assertEquals("y".repeat(1000), Files.readString(dst.resolve("g")));
    }
}
