package io.jbuild.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Paths inside a root directory as a process chrooted there would see them: {@code ..} stops at
 * the root, symlinks are followed with absolute targets counted from the root, and nothing ever
 * resolves outside it (containerd's {@code fs.RootPath}, moby's securejoin).
 */
final class RootPaths {
    private static final int MAX_SYMLINKS = 255;

    private RootPaths() {
    }

    /**
     * Resolves {@code path} (slash-separated, absolute or relative to the root) inside {@code root},
     * following every symlink on the way (the last component too when {@code followFinal}).
     * Components that do not exist are appended as they are. {@code root} must be a real path.
     */
    static Path resolve(Path root, String path, boolean followFinal) throws IOException {
        Deque<String> pending = new ArrayDeque<>(components(path));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String name = pending.pollFirst();
            if (name.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                continue;
            }
            Path candidate = join(root, resolved).resolve(name);
            boolean last = pending.isEmpty();
            if ((!last || followFinal) && Files.isSymbolicLink(candidate)) {
                if (++links > MAX_SYMLINKS) {
                    throw new IOException("resolve " + path + " in " + root + ": too many levels of symbolic links");
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    pending.addFirst(parts.get(i));
                }
                continue;
            }
            resolved.add(name);
        }
        return join(root, resolved);
    }

    /** The slash-separated path of {@code path} relative to {@code root}, "" for the root itself. */
    static String relative(Path root, Path path) {
        String rel = root.relativize(path).toString();
        return rel.equals(".") ? "" : rel;
    }

    /** Whether {@code path} exists (a dangling symlink counts). */
    static boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** The non-empty components of a slash-separated path except {@code .}. */
    static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }

    /**
     * Go's {@code path.Clean} of an absolute path: one slash between components, no {@code .}, {@code ..}
     * resolved lexically and stopped at the root. Returns "/" for the root.
     */
    static String cleanAbsolute(String path) {
        List<String> out = new ArrayList<>();
        for (String part : components(path)) {
            if (part.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
            } else {
                out.add(part);
            }
        }
        return "/" + String.join("/", out);
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
                current = resolve(rootfs, prefix.toString(), true);
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

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String part : parts) {
            p = p.resolve(part);
        }
        return p;
    }
}
