package io.jbuild.builder;

import io.jbuild.layerstore.OverlayMount;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** COPY into a step's overlay mount: the change set in the upper dir is what the layer will hold. */
@Timeout(120)
class FileCopierIT {
    @TempDir
    Path tmp;

    Path context;
    Path lower;
    Path upper;
    Path work;
    Path merged;
    final FileCopier copier = new FileCopier(HttpClient.newHttpClient());

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(OverlayMount.isSupported() && "root".equals(System.getProperty("user.name")),
                "overlayfs as root");
        context = Files.createDirectories(tmp.resolve("context"));
        lower = Files.createDirectories(tmp.resolve("lower"));
        upper = Files.createDirectories(tmp.resolve("upper"));
        work = Files.createDirectories(tmp.resolve("work"));
        merged = Files.createDirectories(tmp.resolve("merged"));
        FileCopierTest.write(lower.resolve("app/old.txt"), "lower old");
        FileCopierTest.write(lower.resolve("etc/config"), "lower config");
        Files.createDirectories(lower.resolve("usr/lib"));
        Files.createSymbolicLink(lower.resolve("lib"), Path.of("usr/lib"));
    }

    private void copyOnOverlay(CopyRequest request) throws Exception {
        try (OverlayMount mount = OverlayMount.mount(List.of(lower), upper, work, merged)) {
            copier.copy(request, mount.target());
        }
    }

    private CopyRequest copyOf(String dest, String... sources) {
        return CopyRequest.copy(CopySource.context(context, null), List.of(sources), dest, "/");
    }

    @Test
    void copy_intoLowerDirectory_mergesAndUpperHoldsOnlyTheNewFile() throws Exception {
        FileCopierTest.write(context.resolve("src/new.txt"), "new");
        copyOnOverlay(copyOf("/app", "src"));
        assertEquals(List.of("new.txt"), FileCopierTest.list(upper.resolve("app")));
        assertEquals("new", Files.readString(upper.resolve("app/new.txt")));
        assertEquals("lower old", Files.readString(lower.resolve("app/old.txt")));
        try (OverlayMount mount = OverlayMount.mount(List.of(lower), upper, work, merged)) {
            assertEquals(List.of("new.txt", "old.txt"), FileCopierTest.list(merged.resolve("app")));
        }
    }

    @Test
    void copy_replacingLowerFile_leavesLowerUntouched() throws Exception {
        FileCopierTest.write(context.resolve("config"), "new config");
        copyOnOverlay(copyOf("/etc/config", "config"));
        assertEquals("new config", Files.readString(upper.resolve("etc/config"), StandardCharsets.UTF_8));
        assertEquals("lower config", Files.readString(lower.resolve("etc/config"), StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(upper.resolve("etc/config"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void copy_throughLowerSymlinkDir_writesIntoItsTargetInUpper() throws Exception {
        FileCopierTest.write(context.resolve("libfoo.so"), "so");
        copyOnOverlay(copyOf("/lib/", "libfoo.so"));
        assertEquals("so", Files.readString(upper.resolve("usr/lib/libfoo.so")));
        assertFalse(Files.exists(upper.resolve("lib"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void copy_fromLayerDirWithOpaqueMarker_doesNotHideLowerContent() throws Exception {
        Path stage = Files.createDirectories(tmp.resolve("stagelayer"));
        FileCopierTest.write(stage.resolve("app/extra.txt"), "extra");
        PosixFiles.setXattr(stage.resolve("app"), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.UTF_8));
        copyOnOverlay(CopyRequest.copy(CopySource.rootfs(stage), List.of("/"), "/", "/"));
        assertNull(PosixFiles.getXattr(upper.resolve("app"), "trusted.overlay.opaque"));
        try (OverlayMount mount = OverlayMount.mount(List.of(lower), upper, work, merged)) {
            assertEquals(List.of("extra.txt", "old.txt"), FileCopierTest.list(merged.resolve("app")));
        }
    }

    @Test
    void copyLink_intoEmptyDir_holdsOnlyTheCopiedFiles() throws Exception {
        FileCopierTest.write(context.resolve("src/a"), "a");
        Path linkRoot = Files.createDirectories(tmp.resolve("link"));
        copier.copy(copyOf("/app/", "src"), linkRoot);
        assertEquals(List.of("app"), FileCopierTest.list(linkRoot));
        assertEquals(List.of("a"), FileCopierTest.list(linkRoot.resolve("app")));
    }
}
