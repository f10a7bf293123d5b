package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
