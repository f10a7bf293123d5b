package io.jbuild.layerstore;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Extended attributes of a path itself (never following a final symlink), through libc. */
final class Xattrs {
    private Xattrs() {
    }

    /** All attributes by name; empty when the file system does not support them. */
    static SortedMap<String, byte[]> list(Path path) throws IOException {
        String p = path.toString();
        byte[] names;
        try {
            while (true) {
                long size = Libc.INSTANCE.llistxattr(p, null, 0);
                if (size == 0) {
                    return Collections.emptySortedMap();
                }
                names = new byte[(int) size];
                try {
                    long n = Libc.INSTANCE.llistxattr(p, names, names.length);
                    if (n < names.length) {
                        names = java.util.Arrays.copyOf(names, (int) n);
                    }
                    break;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Libc.ERANGE) {
                        throw e;
                    }
                }
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.ENOTSUP) {
                return Collections.emptySortedMap();
            }
            throw new IOException("list xattrs of " + path + ": errno " + e.getErrorCode(), e);
        }
        SortedMap<String, byte[]> result = new TreeMap<>();
        int start = 0;
        for (int i = 0; i < names.length; i++) {
            if (names[i] == 0) {
                if (i > start) {
                    String name = new String(names, start, i - start, StandardCharsets.UTF_8);
                    byte[] value = get(path, name);
                    if (value != null) {
                        result.put(name, value);
                    }
                }
                start = i + 1;
            }
        }
        return result;
    }

    /** One attribute, or null when absent. */
    static byte[] get(Path path, String name) throws IOException {
        String p = path.toString();
        try {
            while (true) {
                long size = Libc.INSTANCE.lgetxattr(p, name, null, 0);
                byte[] value = new byte[(int) size];
                if (size == 0) {
                    return value;
                }
                try {
                    long n = Libc.INSTANCE.lgetxattr(p, name, value, value.length);
                    return n == value.length ? value : java.util.Arrays.copyOf(value, (int) n);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Libc.ERANGE) {
                        throw e;
                    }
                }
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.ENODATA || e.getErrorCode() == Libc.ENOTSUP) {
                return null;
            }
            throw new IOException("get xattr " + name + " of " + path + ": errno " + e.getErrorCode(), e);
        }
    }

    static void set(Path path, String name, byte[] value) throws IOException {
        try {
            Libc.INSTANCE.lsetxattr(path.toString(), name, value, value.length, 0);
        } catch (LastErrorException e) {
            throw new IOException("set xattr " + name + " on " + path + ": errno " + e.getErrorCode(), e);
        }
    }
}
