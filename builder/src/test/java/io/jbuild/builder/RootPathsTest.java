package io.jbuild.builder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RootPathsTest {
    @TempDir
    Path root;

    @Test
    void resolve_plainPath_isUnderRoot() throws Exception {
        assertEquals(root.resolve("etc/passwd"), RootPaths.resolve(root, "/etc/passwd", true));
        assertEquals(root.resolve("etc/passwd"), RootPaths.resolve(root, "etc//./passwd", true));
    }

    @Test
    void resolve_dotDotAboveRoot_staysAtRoot() throws Exception {
        assertEquals(root.resolve("etc"), RootPaths.resolve(root, "/../../etc", true));
        assertEquals(root, RootPaths.resolve(root, "/..", true));
    }

    @Test
    void resolve_absoluteSymlink_isResolvedInsideRoot() throws Exception {
        Files.createDirectories(root.resolve("usr/etc"));
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/usr/etc"));
        assertEquals(root.resolve("usr/etc/hosts"), RootPaths.resolve(root, "/etc/hosts", true));
    }

    @Test
    void resolve_relativeSymlinkEscaping_isClampedAtRoot() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/hosts"), Path.of("../../../../tmp/hosts"));
        assertEquals(root.resolve("tmp/hosts"), RootPaths.resolve(root, "/etc/hosts", true));
    }

    @Test
    void resolve_danglingSymlinkTail_resolvesToTarget() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/resolv.conf"), Path.of("/run/resolv.conf"));
        assertEquals(root.resolve("run/resolv.conf"), RootPaths.resolve(root, "/etc/resolv.conf", true));
    }

    @Test
    void resolve_symlinkLoop_fails() throws IOException {
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
        assertThrows(IOException.class, () -> RootPaths.resolve(root, "/a/x", true));
    }
}
