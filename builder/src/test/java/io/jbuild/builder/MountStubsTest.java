package io.jbuild.builder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountStubsTest {
    @TempDir
    Path root;

    @Test
    void scan_missingPathsAndParents_noted() throws Exception {
        Files.createDirectories(root.resolve("proc"));
        MountStubs stubs = MountStubs.scan(root, List.of("/proc", "/etc/hosts", "/etc/resolv.conf", "/run/a/b"));
        assertEquals(List.of(root.resolve("etc"), root.resolve("etc/hosts"), root.resolve("etc/resolv.conf"),
                root.resolve("run"), root.resolve("run/a"), root.resolve("run/a/b")), stubs.missing());
    }

    @Test
    void remove_emptyStubs_removedDeepestFirst() throws Exception {
        MountStubs stubs = MountStubs.scan(root, List.of("/etc/hosts", "/proc", "/mnt/x"));
        Files.createDirectories(root.resolve("etc"));
        Files.createFile(root.resolve("etc/hosts"));
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("mnt/x"));
        stubs.remove();
        assertFalse(Files.exists(root.resolve("etc")));
        assertFalse(Files.exists(root.resolve("proc")));
        assertFalse(Files.exists(root.resolve("mnt")));
    }

    @Test
    void remove_stubWithContent_kept() throws Exception {
        MountStubs stubs = MountStubs.scan(root, List.of("/etc/hosts", "/data"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hosts"), "written by the command\n");
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/file"), "x");
        stubs.remove();
        assertTrue(Files.exists(root.resolve("etc/hosts")));
        assertTrue(Files.exists(root.resolve("data/file")));
    }

    @Test
    void remove_symlinkWhereStubWas_kept() throws Exception {
        MountStubs stubs = MountStubs.scan(root, List.of("/proc"));
        Files.createDirectories(root.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("proc"), Path.of("elsewhere"));
        stubs.remove();
        assertTrue(Files.isSymbolicLink(root.resolve("proc")));
    }

    @Test
    void scan_throughSymlinkedParent_notesTheTarget() throws Exception {
        Files.createDirectories(root.resolve("usr/etc"));
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/usr/etc"));
        MountStubs stubs = MountStubs.scan(root, List.of("/etc/hosts"));
        assertEquals(List.of(root.resolve("usr/etc/hosts")), stubs.missing());
    }

    @Test
    void scan_danglingSymlink_notesTheTargetsMissingParents() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/hosts"), Path.of("/run/network/hosts"));
        MountStubs stubs = MountStubs.scan(root, List.of("/etc/hosts"));
        assertEquals(List.of(root.resolve("run"), root.resolve("run/network"), root.resolve("run/network/hosts")),
                stubs.missing());
    }
}
