package io.jbuild.builder;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UsersTest {
    @TempDir
    Path root;

    @BeforeEach
    void writeDatabases() throws Exception {
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), String.join("\n",
                "# comment",
                "root:x:0:0:root:/root:/bin/sh",
                "",
                "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
                "app:x:1000:1000:App:/home/app:/bin/sh",
                "app:x:1001:1001:second app entry:/x:/bin/sh",
                "nobody:x:65534:65534:nobody:/nonexistent:/bin/false", ""));
        Files.writeString(etc.resolve("group"), String.join("\n",
                "root:x:0:root",
                "wheel:x:10:root,app",
                "staff:x:50: app , other",
                "app:x:1000:",
                "docker:x:999:app",
                "nogroup:x:65534:", ""));
    }

    @Test
    void resolve_emptyOrNull_isRootWithItsGroups() throws Exception {
        assertEquals(new ResolvedUser(0, 0, List.of(0, 10), "/root"), Users.resolve(root, ""));
        assertEquals(new ResolvedUser(0, 0, List.of(0, 10), "/root"), Users.resolve(root, null));
    }

    @Test
    void resolve_name_usesPasswdAndMemberships() throws Exception {
        assertEquals(new ResolvedUser(1000, 1000, List.of(10, 50, 999), "/home/app"), Users.resolve(root, "app"));
    }

    @Test
    void resolve_uid_findsTheEntry() throws Exception {
        assertEquals(new ResolvedUser(1000, 1000, List.of(10, 50, 999), "/home/app"), Users.resolve(root, "1000"));
        assertEquals(new ResolvedUser(65534, 65534, List.of(), "/nonexistent"), Users.resolve(root, "65534"));
    }

    @Test
    void resolve_unknownUid_isAllowedWithGroupZero() throws Exception {
        assertEquals(new ResolvedUser(4242, 0, List.of(), "/"), Users.resolve(root, "4242"));
    }

    @Test
    void resolve_unknownName_failsWithDockersMessage() {
        BuildException e = assertThrows(BuildException.class, () -> Users.resolve(root, "ghost"));
        assertEquals("unable to find user ghost: no matching entries in passwd file", e.getMessage());
    }

    @Test
    void resolve_nameAndGroupName_usesGroupWithoutSupplementaryGroups() throws Exception {
        assertEquals(new ResolvedUser(1000, 50, List.of(), "/home/app"), Users.resolve(root, "app:staff"));
    }

    @Test
    void resolve_nameAndGid_unknownGidAllowed() throws Exception {
        assertEquals(new ResolvedUser(1000, 777, List.of(), "/home/app"), Users.resolve(root, "app:777"));
        assertEquals(new ResolvedUser(1000, 999, List.of(), "/home/app"), Users.resolve(root, "app:999"));
    }

    @Test
    void resolve_uidAndGroupName_usesGroup() throws Exception {
        assertEquals(new ResolvedUser(4242, 10, List.of(), "/"), Users.resolve(root, "4242:wheel"));
    }

    @Test
    void resolve_uidAndGid_numericAsGiven() throws Exception {
        assertEquals(new ResolvedUser(1, 2, List.of(), "/usr/sbin"), Users.resolve(root, "1:2"));
        assertEquals(new ResolvedUser(5000, 6000, List.of(), "/"), Users.resolve(root, "5000:6000"));
    }

    @Test
    void resolve_unknownGroupName_fails() {
        BuildException e = assertThrows(BuildException.class, () -> Users.resolve(root, "app:ghosts"));
        assertEquals("unable to find group ghosts: no matching entries in group file", e.getMessage());
    }

    @Test
    void resolve_idOutOfRange_fails() {
        assertThrows(BuildException.class, () -> Users.resolve(root, "99999999999"));
    }

    @Test
    void resolve_noPasswdFile_numericWorksNamesFail() throws Exception {
        Path empty = Files.createDirectories(root.resolve("empty"));
        assertEquals(new ResolvedUser(0, 0, List.of(), "/"), Users.resolve(empty, ""));
        assertEquals(new ResolvedUser(1000, 1000, List.of(), "/"), Users.resolve(empty, "1000:1000"));
        assertThrows(BuildException.class, () -> Users.resolve(empty, "app"));
    }

    @Test
    void resolve_absoluteSymlinkedPasswd_isReadInsideTheRoot() throws Exception {
        Path other = Files.createDirectories(root.resolve("other"));
        Files.createDirectories(other.resolve("etc"));
        Files.createDirectories(other.resolve("data"));
        Files.writeString(other.resolve("data/passwd"), "builder:x:1234:1234::/b:/bin/sh\n");
        Files.createSymbolicLink(other.resolve("etc/passwd"), Path.of("/data/passwd"));
        assertEquals(new ResolvedUser(1234, 1234, List.of(), "/b"), Users.resolve(other, "builder"));
    }

    @Test
    void resolve_symlinkEscapingTheRoot_staysInside() throws Exception {
        Path other = Files.createDirectories(root.resolve("jail"));
        Files.createDirectories(other.resolve("etc"));
        // ../../etc/passwd from jail/etc would be root/etc/passwd on the host; inside the root it is jail/etc/passwd itself
        Files.createSymbolicLink(other.resolve("etc/passwd"), Path.of("../../../etc/passwd"));
        assertThrows(BuildException.class, () -> Users.resolve(other, "app"));
    }

    @Test
    void resolveChown_numericUser_givesSameGroup() throws Exception {
        assertEquals(new ResolvedUser(1000, 1000, List.of(), "/"), Users.resolveChown(root, "1000"));
        assertEquals(new ResolvedUser(4242, 4242, List.of(), "/"), Users.resolveChown(root, "4242"));
    }

    @Test
    void resolveChown_name_givesPrimaryGroup() throws Exception {
        assertEquals(new ResolvedUser(1000, 1000, List.of(), "/home/app"), Users.resolveChown(root, "app"));
    }

    @Test
    void resolveChown_userAndGroup_eachResolved() throws Exception {
        assertEquals(new ResolvedUser(1000, 50, List.of(), "/home/app"), Users.resolveChown(root, "app:staff"));
        assertEquals(new ResolvedUser(1000, 7, List.of(), "/home/app"), Users.resolveChown(root, "app:7"));
        assertEquals(new ResolvedUser(12, 10, List.of(), "/"), Users.resolveChown(root, "12:wheel"));
        assertEquals(new ResolvedUser(12, 34, List.of(), "/"), Users.resolveChown(root, "12:34"));
    }

    @Test
    void resolveChown_unknownNames_resolveAsBuildKitDoes() throws Exception {
        assertEquals(new ResolvedUser(0, 0, List.of(), "/"), Users.resolveChown(root, "ghost"));
        assertEquals(new ResolvedUser(1000, 1000, List.of(), "/home/app"), Users.resolveChown(root, "app:ghosts"));
    }
}
