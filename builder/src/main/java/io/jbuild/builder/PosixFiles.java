package io.jbuild.builder;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The few file system calls the JDK does not offer, or offers only following symlinks: ownership,
 * times and extended attributes of a link itself, device nodes. Linux only.
 */
final class PosixFiles {
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int ENODATA = 61;
    private static final int ENOTSUP = 95;
    private static final int ERANGE = 34;

    /** The libc functions used, bound lazily on first use. */
    private interface Calls extends Library {
        Calls INSTANCE = Native.load("c", Calls.class);

        int lchown(String path, int uid, int gid) throws LastErrorException;

        int chmod(String path, int mode) throws LastErrorException;

        int utimensat(int dirfd, String path, long[] times, int flags) throws LastErrorException;

        int mknod(String path, int mode, long dev) throws LastErrorException;

        long llistxattr(String path, byte[] list, long size) throws LastErrorException;

        long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

        int lsetxattr(String path, String name, byte[] value, long size, int flags) throws LastErrorException;
    }

    private PosixFiles() {
    }

    /** The {@code unix:*} attributes of {@code path} itself (not a symlink's target). */
    static Map<String, Object> lstat(Path path) throws IOException {
        return Files.readAttributes(path, "unix:mode,uid,gid,ino,dev,nlink,rdev,lastModifiedTime,lastAccessTime,"
                + "isDirectory,isRegularFile,isSymbolicLink,isOther,size", LinkOption.NOFOLLOW_LINKS);
    }

    static void lchown(Path path, int uid, int gid) throws IOException {
        try {
            Calls.INSTANCE.lchown(path.toString(), uid, gid);
        } catch (LastErrorException e) {
            throw failure("chown", path, e);
        }
    }

    /** Sets the permission bits (with setuid, setgid, sticky) without opening the file, which would block on a fifo. */
    static void chmod(Path path, int mode) throws IOException {
        try {
            Calls.INSTANCE.chmod(path.toString(), mode & 07777);
        } catch (LastErrorException e) {
            throw failure("chmod", path, e);
        }
    }

    /** Sets access and modification times in nanoseconds since the epoch, on a symlink itself when it is one. */
    static void setTimes(Path path, long atimeNanos, long mtimeNanos) throws IOException {
        long[] times = {
            Math.floorDiv(atimeNanos, 1_000_000_000L), Math.floorMod(atimeNanos, 1_000_000_000L),
            Math.floorDiv(mtimeNanos, 1_000_000_000L), Math.floorMod(mtimeNanos, 1_000_000_000L)
        };
        try {
            Calls.INSTANCE.utimensat(AT_FDCWD, path.toString(), times, AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw failure("set times of", path, e);
        }
    }

    /** Creates a device node, fifo or socket node ({@code mode} includes the file type bits). */
    static void mknod(Path path, int mode, long rdev) throws IOException {
        try {
            Calls.INSTANCE.mknod(path.toString(), mode, rdev);
        } catch (LastErrorException e) {
            throw failure("create node", path, e);
        }
    }

    /** The names of the extended attributes of {@code path} itself; empty when the file system has none. */
    static List<String> listXattrs(Path path) throws IOException {
        String p = path.toString();
        try {
            while (true) {
                long size = Calls.INSTANCE.llistxattr(p, null, 0);
                if (size <= 0) {
                    return List.of();
                }
                byte[] buf = new byte[(int) size];
                try {
                    long n = Calls.INSTANCE.llistxattr(p, buf, buf.length);
                    List<String> names = new ArrayList<>();
                    int start = 0;
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == 0) {
                            if (i > start) {
                                names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                            }
                            start = i + 1;
                        }
                    }
                    return names;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != ERANGE) {
                        throw e;
                    }
                }
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOTSUP) {
                return List.of();
            }
            throw failure("list extended attributes of", path, e);
        }
    }

    /** The value of one extended attribute of {@code path} itself, null when it is absent. */
    static byte[] getXattr(Path path, String name) throws IOException {
        String p = path.toString();
        try {
            while (true) {
                long size = Calls.INSTANCE.lgetxattr(p, name, null, 0);
                byte[] buf = new byte[(int) size];
                if (size == 0) {
                    return buf;
                }
                try {
                    long n = Calls.INSTANCE.lgetxattr(p, name, buf, buf.length);
                    return n == buf.length ? buf : java.util.Arrays.copyOf(buf, (int) n);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != ERANGE) {
                        throw e;
                    }
                }
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENODATA || e.getErrorCode() == ENOTSUP) {
                return null;
            }
            throw failure("read extended attribute " + name + " of", path, e);
        }
    }

    static void setXattr(Path path, String name, byte[] value) throws IOException {
        try {
            Calls.INSTANCE.lsetxattr(path.toString(), name, value, value.length, 0);
        } catch (LastErrorException e) {
            throw failure("set extended attribute " + name + " on", path, e);
        }
    }

    private static IOException failure(String action, Path path, LastErrorException e) {
        return new IOException(action + " " + path + ": errno " + e.getErrorCode());
    }
}
