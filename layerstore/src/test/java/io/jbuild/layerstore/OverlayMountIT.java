package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Mounts real overlays: needs root and overlayfs (skipped, by assumption, only when absent). */
class OverlayMountIT {
    @TempDir
    Path tmp;

    @Test
    void mount_changesInMerged_becomeLayerWithOciWhiteouts() throws Exception {
        assumeTrue(TestTrees.isRoot(), "mounting overlayfs needs root");
        assumeTrue(OverlayMount.isSupported(), "kernel without overlayfs");
        Path lower1 = Files.createDirectories(tmp.resolve("l1"));
        Files.createDirectories(lower1.resolve("etc"));
        Files.writeString(lower1.resolve("etc/a.conf"), "a");
        Files.writeString(lower1.resolve("etc/b.conf"), "b");
        Files.createDirectories(lower1.resolve("data"));
        Files.writeString(lower1.resolve("data/x"), "x");
        Files.createDirectories(lower1.resolve("olddir"));
        Files.writeString(lower1.resolve("olddir/z"), "z");
        Path lower2 = Files.createDirectories(tmp.resolve("l2"));
        Files.createDirectories(lower2.resolve("bin"));
        Files.writeString(lower2.resolve("bin/tool"), "#!/bin/sh\n");
        Files.createDirectories(lower2.resolve("data"));
        Files.writeString(lower2.resolve("data/w"), "w");
        Path upper = Files.createDirectories(tmp.resolve("u"));
        Path work = Files.createDirectories(tmp.resolve("w"));
        Path merged = tmp.resolve("m");

        try (OverlayMount m = OverlayMount.mount(List.of(lower2, lower1), upper, work, merged)) {
            Path r = m.target();
            assertEquals("w", Files.readString(r.resolve("data/w")));
            Files.delete(r.resolve("etc/a.conf"));                                  // delete a file
            Directories.deleteRecursively(r.resolve("olddir"));                    // replace a dir ...
            Files.writeString(r.resolve("olddir"), "now a file");                  // ... with a file
            Directories.deleteRecursively(r.resolve("data"));                      // make a dir opaque
            Files.createDirectory(r.resolve("data"));
            Files.writeString(r.resolve("data/new"), "n");
            Files.createLink(r.resolve("bin/tool2"), r.resolve("bin/tool"));       // hardlink
            assertTrue(TestTrees.trySetXattr(r.resolve("etc/b.conf"), "user.test",  // xattr
                    "v".getBytes(StandardCharsets.UTF_8)));
            TestTrees.chmod(r.resolve("bin/tool"), 04755);                         // setuid
            TestTrees.mkfifo(r.resolve("pipe"));                                   // fifo
        }
        assertFalse(Files.exists(merged.resolve("bin")), "unmounted");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LayerWriter(LayerWriter.Options.defaults().withCompression(LayerWriter.Compression.NONE).withOverlay(true))
                .writeTar(upper, out);
        Map<String, TarArchiveEntry> e = TestTrees.entries(out.toByteArray());
        List<String> names = new ArrayList<>(e.keySet());
        assertEquals(List.of("bin/", "bin/tool", "bin/tool2", "data/", "data/.wh..wh..opq", "data/new",
                "etc/", "etc/.wh.a.conf", "etc/b.conf", "olddir", "pipe"), names);
        assertTrue(e.get("bin/tool2").isLink());
        assertEquals("bin/tool", e.get("bin/tool2").getLinkName());
        assertEquals(04755, e.get("bin/tool").getMode());
        assertEquals("v", e.get("etc/b.conf").getExtraPaxHeader("SCHILY.xattr.user.test"));
        assertTrue(e.get("olddir").isFile());
        assertTrue(e.get("pipe").isFIFO());
        for (TarArchiveEntry entry : e.values()) {
            for (String key : entry.getExtraPaxHeaders().keySet()) {
                assertFalse(key.contains("overlay"), entry.getName() + " carries " + key);
            }
        }
    }

    @Test
    void mount_manyLongLowerDirs_fitThroughShortLinks() throws Exception {
        assumeTrue(TestTrees.isRoot(), "mounting overlayfs needs root");
        assumeTrue(OverlayMount.isSupported(), "kernel without overlayfs");
        List<Path> lowers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Path l = Files.createDirectories(tmp.resolve("layers/" + "x".repeat(80) + i));
            Files.writeString(l.resolve("f" + i), Integer.toString(i));
            lowers.add(0, l);
        }
        Path upper = Files.createDirectories(tmp.resolve("u"));
        Path work = Files.createDirectories(tmp.resolve("w"));
        try (OverlayMount m = OverlayMount.mount(lowers, upper, work, tmp.resolve("m"))) {
            for (int i = 0; i < 60; i++) {
                assertEquals(Integer.toString(i), Files.readString(m.target().resolve("f" + i)));
            }
        }
    }

    @Test
    void mountReadOnly_twoLowers_mergedReadOnlyAndUnmountedByPath() throws Exception {
        assumeTrue(TestTrees.isRoot(), "mounting overlayfs needs root");
        assumeTrue(OverlayMount.isSupported(), "kernel without overlayfs");
        Path lower = Files.createDirectories(tmp.resolve("lower, with: odd\\chars"));
        Files.writeString(lower.resolve("a"), "lower a");
        Files.writeString(lower.resolve("b"), "lower b");
        Path top = Files.createDirectories(tmp.resolve("top"));
        Files.writeString(top.resolve("a"), "top a");
        Whiteouts.createOverlayWhiteout(top.resolve("b"));
        Path target = tmp.resolve("ro");
        assertThrows(IllegalArgumentException.class, () -> OverlayMount.mountReadOnly(List.of(lower), target));

        OverlayMount.mountReadOnly(List.of(top, lower), target); // not closed: unmounted by path below
        try {
            assertTrue(OverlayMount.isOverlayMount(target));
            assertEquals("top a", Files.readString(target.resolve("a")));
            assertFalse(Files.exists(target.resolve("b")), "whited out");
            assertThrows(IOException.class, () -> Files.writeString(target.resolve("a"), "x"));
            assertThrows(IOException.class, () -> Files.createDirectory(target.resolve("d")));
            assertTrue(OverlayMount.mountedLayerDirs().containsAll(List.of(top, lower)));
        } finally {
            OverlayMount.unmount(target);
        }
        assertFalse(OverlayMount.isOverlayMount(target));
        assertFalse(OverlayMount.mountedLayerDirs().contains(top));
        StoreException e = assertThrows(StoreException.class, () -> OverlayMount.unmount(target));
        assertTrue(e.getMessage().contains("not an overlay mount point"), e.getMessage());
        assertThrows(StoreException.class, () -> OverlayMount.unmount(tmp.resolve("missing")));
    }

    @Test
    void mountReadOnly_manyLongLowerDirs_linksNextToTargetRemovedByUnmount() throws Exception {
        assumeTrue(TestTrees.isRoot(), "mounting overlayfs needs root");
        assumeTrue(OverlayMount.isSupported(), "kernel without overlayfs");
        List<Path> lowers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Path l = Files.createDirectories(tmp.resolve("layers/" + "y".repeat(80) + i));
            Files.writeString(l.resolve("f" + i), Integer.toString(i));
            lowers.add(0, l);
        }
        Path target = tmp.resolve("many");
        OverlayMount.mountReadOnly(lowers, target);
        Path links = tmp.resolve(".many.lowers");
        try {
            assertTrue(Files.isDirectory(links));
            for (int i = 0; i < 60; i++) {
                assertEquals(Integer.toString(i), Files.readString(target.resolve("f" + i)));
            }
            assertTrue(OverlayMount.mountedLayerDirs().contains(lowers.get(0)), "links resolved to the layer dirs");
        } finally {
            OverlayMount.unmount(target);
        }
        assertFalse(Files.exists(links));
    }

    /**
     * The whole round trip a build makes: changes in a writable overlay become layers (OCI
     * whiteouts), the layers are unpacked into layer dirs (overlay whiteouts) and mounted read-only,
     * and also unpacked flattened; all three views must be the same tree. Covers whiteouts, opaque
     * dirs, a dir replaced by a file and back, a file replaced by a dir and back, hardlinks, xattrs on
     * files and dirs, setuid/setgid, fifos, devices and symlinks.
     */
    @Test
    void layersFromUpperDirs_mountedAndFlattened_sameTreeAsWritableMerge() throws Exception {
        assumeTrue(TestTrees.isRoot(), "mounting overlayfs needs root");
        assumeTrue(OverlayMount.isSupported(), "kernel without overlayfs");
        BlobStore store = BlobStore.open(tmp.resolve("store"));
        Path base = Files.createDirectories(tmp.resolve("base"));
        Files.createDirectories(base.resolve("etc"));
        Files.writeString(base.resolve("etc/a.conf"), "a");
        Files.writeString(base.resolve("etc/b.conf"), "b");
        Files.createDirectories(base.resolve("data/sub"));
        Files.writeString(base.resolve("data/x"), "x");
        Files.writeString(base.resolve("data/sub/y"), "y");
        Files.createDirectories(base.resolve("olddir/inner"));
        Files.writeString(base.resolve("olddir/inner/z"), "z");
        Files.writeString(base.resolve("wasfile"), "a file");
        Files.createDirectories(base.resolve("bin"));
        Files.writeString(base.resolve("bin/tool"), "#!/bin/sh\n");
        TestTrees.chmod(base.resolve("bin/tool"), 0755);
        Layer layer1 = new LayerWriter(LayerWriter.Options.defaults()).write(base, store);

        // step 1: delete, opaque, dir -> file, file -> dir, hardlink, xattrs, setuid/setgid, fifo, device, symlink
        Path upper1 = Files.createDirectories(tmp.resolve("u1"));
        try (OverlayMount m = OverlayMount.mount(List.of(base), upper1, Files.createDirectories(tmp.resolve("w1")),
                tmp.resolve("m1"))) {
            Path r = m.target();
            Files.delete(r.resolve("etc/a.conf"));
            Directories.deleteRecursively(r.resolve("data"));
            Files.createDirectory(r.resolve("data"));
            Files.writeString(r.resolve("data/new"), "n");
            Directories.deleteRecursively(r.resolve("olddir"));
            Files.writeString(r.resolve("olddir"), "now a file");
            Files.delete(r.resolve("wasfile"));
            Files.createDirectories(r.resolve("wasfile/d"));
            Files.writeString(r.resolve("wasfile/d/f"), "now a dir");
            Files.createLink(r.resolve("bin/tool2"), r.resolve("bin/tool"));
            TestTrees.chmod(r.resolve("bin/tool"), 04755);
            Files.createDirectories(r.resolve("shared"));
            TestTrees.chmod(r.resolve("shared"), 02775);
            assertTrue(TestTrees.trySetXattr(r.resolve("etc/b.conf"), "user.file", "v1".getBytes(StandardCharsets.UTF_8)));
            assertTrue(TestTrees.trySetXattr(r.resolve("shared"), "user.dir", "v2".getBytes(StandardCharsets.UTF_8)));
            TestTrees.mkfifo(r.resolve("pipe"));
            TestTrees.mknod(r.resolve("etc/null"), 0020666, 1, 3);
            Files.createSymbolicLink(r.resolve("etc/link"), Path.of("b.conf"));
            TestTrees.chown(r.resolve("etc/b.conf"), 1000, 1001);
        }
        Layer layer2 = new LayerWriter(LayerWriter.Options.defaults().withOverlay(true)).write(upper1, store);

        // step 2, on top of the first upper dir used as a lower dir: and back again
        Path upper2 = Files.createDirectories(tmp.resolve("u2"));
        Map<String, String> expected;
        try (OverlayMount m = OverlayMount.mount(List.of(upper1, base), upper2, Files.createDirectories(tmp.resolve("w2")),
                tmp.resolve("m2"))) {
            Path r = m.target();
            Files.delete(r.resolve("olddir"));
            Files.createDirectories(r.resolve("olddir"));
            Files.writeString(r.resolve("olddir/back"), "a dir again");
            Directories.deleteRecursively(r.resolve("wasfile"));
            Files.writeString(r.resolve("wasfile"), "a file again");
            Files.delete(r.resolve("data/new"));
            Files.writeString(r.resolve("etc/c.conf"), "c");
            expected = snapshot(r);
        }
        Layer layer3 = new LayerWriter(LayerWriter.Options.defaults().withOverlay(true)).write(upper2, store);
        assertTrue(expected.containsKey("olddir/back") && expected.get("wasfile").startsWith("- "), expected.toString());
        assertFalse(expected.containsKey("etc/a.conf"));
        assertFalse(expected.containsKey("data/x"));

        ImageConfig config = new ImageConfig(null, null, "amd64", "linux", null, null, null, null,
                ImageConfig.RootFs.of(List.of(layer1.diffId(), layer2.diffId(), layer3.diffId())), List.of());
        Descriptor c = store.write(MediaType.OCI_CONFIG, Stored.of(config));
        Descriptor manifest = store.write(MediaType.OCI_MANIFEST, Stored.of(Manifest.of(c,
                List.of(layer1.descriptor(), layer2.descriptor(), layer3.descriptor()))));
        StoredImages.Image image = StoredImages.load(store, null, manifest, null);

        Path mounted = tmp.resolve("image");
        try (OverlayMount m = StoredImages.mount(store, image, mounted)) {
            assertEquals(expected, snapshot(m.target()), "read-only mount of the unpacked layer dirs");
            assertTrue(Files.isSameFile(m.target().resolve("bin/tool"), m.target().resolve("bin/tool2")));
        }
        Path flat = tmp.resolve("flat");
        StoredImages.unpack(store, image, flat);
        assertEquals(expected, snapshot(flat), "flattened rootfs");
        assertTrue(Files.isSameFile(flat.resolve("bin/tool"), flat.resolve("bin/tool2")));
    }

    /** Every path below {@code root}: type, mode, owner, size, content, link target, device and user xattrs. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        List<Path> paths;
        try (Stream<Path> s = Files.walk(root)) {
            paths = s.filter(p -> !p.equals(root)).toList();
        }
        for (Path p : paths) {
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            String type = switch (mode & 0170000) {
                case 0040000 -> "d";
                case 0120000 -> "l";
                case 0010000 -> "p";
                case 0020000 -> "c";
                case 0060000 -> "b";
                default -> "-";
            };
            StringBuilder b = new StringBuilder(type).append(' ').append(Integer.toOctalString(mode & 07777))
                    .append(' ').append(a.get("uid")).append(':').append(a.get("gid"));
            if (type.equals("-")) {
                b.append(" sha256:").append(Digest.of(Files.readAllBytes(p)).encoded(), 0, 12);
            } else if (type.equals("l")) {
                b.append(" -> ").append(Files.readSymbolicLink(p));
            } else if (type.equals("c") || type.equals("b")) {
                b.append(" rdev ").append(a.get("rdev"));
            }
            for (Map.Entry<String, byte[]> x : Xattrs.list(p).entrySet()) {
                if (x.getKey().startsWith("user.")) {
                    b.append(' ').append(x.getKey()).append('=').append(new String(x.getValue(), StandardCharsets.UTF_8));
                }
            }
            tree.put(root.relativize(p).toString(), b.toString());
        }
        return tree;
    }
}
