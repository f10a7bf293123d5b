package io.jbuild.layerstore;

import com.sun.jna.LastErrorException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers for building test trees and reading tars back. */
final class TestTrees {
    private TestTrees() {
    }

    static boolean isRoot() {
        try {
            return ((Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static void mknod(Path path, int mode, int major, int minor) {
        long dev = ((long) (major & 0xfff) << 8) | (minor & 0xff) | ((long) (minor & ~0xff) << 12)
                | ((long) (major & ~0xfff) << 32);
        Libc.INSTANCE.mknod(path.toString(), mode, dev);
    }

    static void mkfifo(Path path) {
        Libc.INSTANCE.mknod(path.toString(), 0010644, 0);
    }

    static void chmod(Path path, int mode) throws IOException, InterruptedException {
        run("chmod", Integer.toOctalString(mode), path.toString());
    }

    static void chown(Path path, long uid, long gid) throws IOException, InterruptedException {
        run("chown", "-h", uid + ":" + gid, path.toString());
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }

    static boolean trySetXattr(Path path, String name, byte[] value) {
        try {
            Xattrs.set(path, name, value);
            return true;
        } catch (IOException | LastErrorException e) {
            return false;
        }
    }

    /** Entries of a tar by name, in archive order. */
    static Map<String, TarArchiveEntry> entries(byte[] tar) throws IOException {
        Map<String, TarArchiveEntry> map = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                map.put(e.getName(), e);
            }
        }
        return map;
    }
}
