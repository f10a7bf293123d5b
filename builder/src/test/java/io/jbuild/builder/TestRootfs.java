package io.jbuild.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Minimal root filesystems made from the host's static {@code /bin/busybox}. */
final class TestRootfs {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final List<String> APPLETS = List.of("sh", "echo", "cat", "id", "ls", "ip", "hostname", "wc", "grep",
            "sleep", "pwd", "touch", "mkdir", "test", "[", "env", "stat", "ps", "true", "false", "head", "sed",
            "mount", "readlink", "printf");

    private TestRootfs() {
    }

    /** {@code dir/bin/busybox} and its applet links, nothing else; modes as in an image, whatever the umask. */
    static Path binOnly(Path dir) throws IOException {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        Files.setPosixFilePermissions(bin.resolve("busybox"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        return dir;
    }

    /** {@link #binOnly} plus {@code /etc/passwd} and {@code /etc/group} with root, nobody, app and staff. */
    static Path busybox(Path dir) throws IOException {
        binOnly(dir);
        Path etc = dir.resolve("etc");
        Files.createDirectories(etc);
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(etc.resolve("passwd"), String.join("\n",
                "root:x:0:0:root:/root:/bin/sh",
                "nobody:x:65534:65534:nobody:/nonexistent:/bin/false",
                "app:x:1000:1000:app user:/home/app:/bin/sh", ""));
        Files.writeString(etc.resolve("group"), String.join("\n",
                "root:x:0:",
                "staff:x:50:app",
                "app:x:1000:",
                "nogroup:x:65534:", ""));
        Files.setPosixFilePermissions(etc.resolve("passwd"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(etc.resolve("group"), PosixFilePermissions.fromString("rw-r--r--"));
        return dir;
    }
}
