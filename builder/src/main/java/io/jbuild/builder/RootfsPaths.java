package io.jbuild.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Paths inside a container's root filesystem resolved as the container would see them: symlinks
 * are followed, but an absolute target or a {@code ..} never leaves the root (as a chroot would
 * resolve them, and as runc's securejoin does).
 */
final class RootfsPaths {
    private static final int MAX_LINKS = 255;

    private RootfsPaths() {
    }

    /**
     * The host path of {@code path} (absolute or relative to the root) inside {@code rootfs}, every
     * existing symlink on the way resolved within the root; the missing tail is appended as is.
     */
    static Path resolve(Path rootfs, String path) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                done.pollLast();
                continue;
            }
            Path candidate = join(rootfs, done).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("resolve " + path + " in " + rootfs + ": too many symlinks");
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
                continue;
            }
            done.addLast(part);
        }
        return join(rootfs, done);
    }

    /** Whether {@code path} exists in the root without following a final symlink out of it. */
    static boolean exists(Path hostPath) {
        return Files.exists(hostPath, LinkOption.NOFOLLOW_LINKS);
    }

    /** {@code mkdir -p} of the container path {@code path}: new directories 0755, owned by uid:gid. */
    static Path mkdirs(Path rootfs, String path, int uid, int gid) throws BuildException {
        try {
            StringBuilder prefix = new StringBuilder();
            Path current = rootfs;
            for (String part : path.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                prefix.append('/').append(part);
                current = resolve(rootfs, prefix.toString());
                if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(current);
                    Files.setPosixFilePermissions(current, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                    Files.setAttribute(current, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(current, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                    throw new BuildException("mkdir " + path + ": " + prefix + " is not a directory");
                }
            }
            return current;
        } catch (IOException e) {
            throw new BuildException("mkdir " + path + ": " + e, e);
        }
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private static Path join(Path rootfs, Deque<String> parts) {
        Path p = rootfs;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }
}
