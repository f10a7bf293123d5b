package io.jbuild.layerstore;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The few libc calls the JDK does not offer (64-bit Linux: {@code size_t}, {@code dev_t} and
 * {@code unsigned long} are Java {@code long}).
 */
interface Libc extends Library {
    Libc INSTANCE = Native.load("c", Libc.class);

    int ENOENT = 2;
    int EPERM = 1;
    int ERANGE = 34;
    int ENODATA = 61;
    int ENOTSUP = 95;

    long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

    long llistxattr(String path, byte[] list, long size) throws LastErrorException;

    int lsetxattr(String path, String name, byte[] value, long size, int flags) throws LastErrorException;

    int chmod(String path, int mode) throws LastErrorException;

    int lchown(String path, int uid, int gid) throws LastErrorException;

    int AT_FDCWD = -100;
    int AT_SYMLINK_NOFOLLOW = 0x100;

    /** {@code times} is two {@code struct timespec}: atime sec, nsec, mtime sec, nsec. */
    int utimensat(int dirfd, String path, long[] times, int flags) throws LastErrorException;

    int mknod(String path, int mode, long dev) throws LastErrorException;

    int mount(String source, String target, String fstype, long flags, String data) throws LastErrorException;

    int umount2(String target, int flags) throws LastErrorException;
}
