package io.jbuild.layerstore;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An overlayfs mount of layer dirs (read-only lower dirs, top first) under a writable upper dir,
 * made with mount(2) and undone with umount2(2) on {@link #close()}. Needs CAP_SYS_ADMIN.
 *
 * <p>The kernel limits mount options to one page. When the lower dir paths are too long, they are
 * replaced by short numbered symlinks in a directory next to the work dir (overlayfs resolves
 * them once, at mount time). {@code redirect_dir} and {@code metacopy} are turned off when the
 * kernel knows them, so the upper dir holds plain files that {@link LayerWriter} can archive.
 *
 * <p>{@link #mountReadOnly} makes an overlay of lower dirs only (no upper or work dir), which can
 * outlive the process: {@link #unmount(Path)} undoes it later, by path.
 */
public final class OverlayMount implements AutoCloseable {
    private static final int OPTIONS_MAX = 4095;
    private static final int EINVAL = 22;
    private static final int EBUSY = 16;
    private static final int MNT_DETACH = 2;
    private static final int BUSY_RETRIES = 50;
    private static final long MS_RDONLY = 1L;
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final Path target;
    private final Path linkDir;
    private boolean mounted = true;

    private OverlayMount(Path target, Path linkDir) {
        this.target = target;
        this.linkDir = linkDir;
    }

    /**
     * Mounts {@code lowerDirs} (top first; at least one) with {@code upper} and {@code work} (on
     * the same file system, work empty) at {@code target}.
     */
    public static OverlayMount mount(List<Path> lowerDirs, Path upper, Path work, Path target) throws StoreException {
        if (lowerDirs.isEmpty()) {
            throw new IllegalArgumentException("overlay needs at least one lower dir");
        }
        List<String> lowers = new ArrayList<>();
        for (Path p : lowerDirs) {
            lowers.add(p.toAbsolutePath().toString());
        }
        Path linkDir = null;
        String tail = ",upperdir=" + escape(upper.toAbsolutePath().toString())
                + ",workdir=" + escape(work.toAbsolutePath().toString());
        String options = "lowerdir=" + join(lowers) + tail;
        try {
            if (options.length() > OPTIONS_MAX) {
                linkDir = Files.createTempDirectory(work.toAbsolutePath().getParent(), "l");
                List<String> shortLowers = new ArrayList<>();
                for (int i = 0; i < lowers.size(); i++) {
                    Path link = linkDir.resolve(Integer.toString(i, 36));
                    Files.createSymbolicLink(link, Path.of(lowers.get(i)));
                    shortLowers.add(link.toString());
                }
                options = "lowerdir=" + join(shortLowers) + tail;
                if (options.length() > OPTIONS_MAX) {
                    throw new StoreException("mount overlay at " + target + ": " + lowers.size()
                            + " lower dirs do not fit in the kernel's mount option limit even as short links");
                }
            }
            Files.createDirectories(target);
            try {
                sysMount(target, options + ",redirect_dir=off,metacopy=off");
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINVAL) {
                    throw e;
                }
                sysMount(target, options); // an older kernel without these options
            }
            return new OverlayMount(target, linkDir);
        } catch (LastErrorException e) {
            cleanLinks(linkDir);
            throw new StoreException("mount overlay at " + target + ": errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1 ? " (needs root or CAP_SYS_ADMIN)" : ""), e);
        } catch (IOException e) {
            cleanLinks(linkDir);
            throw new StoreException("mount overlay at " + target + ": " + e, e);
        }
    }

    private static void sysMount(Path target, String options) {
        sysMount(target, options, 0L);
    }

    private static void sysMount(Path target, String options, long flags) {
        Libc.INSTANCE.mount("overlay", target.toString(), "overlay", flags, options);
    }

    /**
     * Mounts {@code lowerDirs} (top first) read-only at {@code target}, without upper and work
     * dirs. The kernel needs at least two lower dirs for that (add an empty dir under a single
     * layer). When the paths do not fit in the mount options, the short links go to a directory
     * {@code .<target name>.lowers} next to {@code target}, removed by {@link #close()} or
     * {@link #unmount(Path)}.
     */
    public static OverlayMount mountReadOnly(List<Path> lowerDirs, Path target) throws StoreException {
        if (lowerDirs.size() < 2) {
            throw new IllegalArgumentException("a read-only overlay needs at least two lower dirs");
        }
        List<String> lowers = new ArrayList<>();
        for (Path p : lowerDirs) {
            lowers.add(p.toAbsolutePath().toString());
        }
        Path linkDir = null;
        String options = "lowerdir=" + join(lowers);
        try {
            Files.createDirectories(target);
            if (options.length() > OPTIONS_MAX) {
                linkDir = readOnlyLinkDir(target.toAbsolutePath());
                Files.createDirectory(linkDir);
                List<String> shortLowers = new ArrayList<>();
                for (int i = 0; i < lowers.size(); i++) {
                    Path link = linkDir.resolve(Integer.toString(i, 36));
                    Files.createSymbolicLink(link, Path.of(lowers.get(i)));
                    shortLowers.add(link.toString());
                }
                options = "lowerdir=" + join(shortLowers);
                if (options.length() > OPTIONS_MAX) {
                    throw new StoreException("mount overlay at " + target + ": " + lowers.size()
                            + " lower dirs do not fit in the kernel's mount option limit even as short links");
                }
            }
            try {
                sysMount(target, options + ",redirect_dir=off,metacopy=off", MS_RDONLY);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINVAL) {
                    throw e;
                }
                sysMount(target, options, MS_RDONLY);
            }
            return new OverlayMount(target, linkDir);
        } catch (LastErrorException e) {
            cleanLinks(linkDir);
            throw new StoreException("mount overlay at " + target + ": errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1 ? " (needs root or CAP_SYS_ADMIN)" : ""), e);
        } catch (IOException e) {
            cleanLinks(linkDir);
            throw new StoreException("mount overlay at " + target + ": " + e, e);
        }
    }

    private static Path readOnlyLinkDir(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".lowers");
    }

    /** Whether {@code dir} is the mount point of an overlay (in this process's mount namespace). */
    public static boolean isOverlayMount(Path dir) throws StoreException {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            return false;
        }
        String fsType = null;
        for (String[] m : mounts()) {
            if (Path.of(m[0]).equals(real)) {
                fsType = m[1]; // the last mount on a path is the visible one
            }
        }
        return "overlay".equals(fsType);
    }

    /**
     * Unmounts the overlay at {@code dir} (made by this or another process) and removes its short
     * links; refuses a directory that is not an overlay mount point.
     */
    public static void unmount(Path dir) throws StoreException {
        if (!isOverlayMount(dir)) {
            throw new StoreException("unmount " + dir + ": not an overlay mount point");
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new StoreException("unmount " + dir + ": " + e, e);
        }
        new OverlayMount(real, Files.isDirectory(readOnlyLinkDir(real)) ? readOnlyLinkDir(real) : null).close();
    }

    /**
     * The lower and upper dirs of the overlays mounted in this process's mount namespace (short
     * links resolved while they exist), so that nobody deletes a layer dir under a mount.
     */
    static Set<Path> mountedLayerDirs() throws StoreException {
        Set<Path> dirs = new HashSet<>();
        for (String[] m : mounts()) {
            if (!"overlay".equals(m[1])) {
                continue;
            }
            for (String option : split(m[2], ',')) {
                int eq = option.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = option.substring(0, eq);
                if (!key.equals("lowerdir") && !key.equals("lowerdir+") && !key.equals("upperdir")
                        && !key.equals("datadir+")) {
                    continue;
                }
                for (String p : split(option.substring(eq + 1), ':')) {
                    if (p.isEmpty()) {
                        continue;
                    }
                    Path path = Path.of(unescape(p));
                    dirs.add(path);
                    try {
                        dirs.add(path.toRealPath());
                    } catch (IOException e) {
                        // a short link already removed: its target was recorded by the mount
                    }
                }
            }
        }
        return dirs;
    }

    /** Each mount as {mount point, fs type, super options}, in mount order. */
    private static List<String[]> mounts() throws StoreException {
        List<String[]> result = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(MOUNTINFO);
        } catch (IOException e) {
            throw new StoreException("read " + MOUNTINFO + ": " + e, e);
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (f.length < 5 || dash < 0 || dash + 3 >= f.length) {
                continue;
            }
            result.add(new String[] {octalUnescape(f[4]), f[dash + 1], octalUnescape(f[dash + 3])});
        }
        return result;
    }

    /** mountinfo writes space, tab, newline and backslash as {@code \ooo}. */
    private static String octalUnescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Splits at {@code sep} not preceded by a backslash (overlay's option escaping). */
    private static List<String> split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                b.append(c).append(s.charAt(++i));
            } else if (c == sep) {
                parts.add(b.toString());
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        parts.add(b.toString());
        return parts;
    }

    private static String unescape(String s) {
        return s.replaceAll("\\\\(.)", "$1");
    }

    /** Whether overlayfs is available to this kernel (it may still need privileges). */
    public static boolean isSupported() {
        try {
            return Files.readString(Path.of("/proc/filesystems")).lines().anyMatch(l -> l.endsWith("\toverlay"));
        } catch (IOException e) {
            return false;
        }
    }

    public Path target() {
        return target;
    }

    /** Unmounts; the upper dir then holds the change set. */
    @Override
    public synchronized void close() throws StoreException {
        if (!mounted) {
            return;
        }
        try {
            unmountRetryingWhileBusy(target);
            mounted = false;
        } catch (LastErrorException e) {
            throw new StoreException("unmount overlay at " + target + ": errno " + e.getErrorCode()
                    + (e.getErrorCode() == EBUSY ? " (busy: a process still uses it)" : ""), e);
        } finally {
            if (!mounted) {
                cleanLinks(linkDir);
            }
        }
    }

    /**
     * umount2, retried for a few seconds while the mount is busy (a killed container's processes
     * may take a moment to let go); still busy then, it is detached (MNT_DETACH) so that no mount is
     * left in sight, and the kernel drops it when the last user is gone. An interrupt is kept.
     */
    private static void unmountRetryingWhileBusy(Path target) {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    Libc.INSTANCE.umount2(target.toString(), 0);
                    return;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EBUSY) {
                        throw e;
                    }
                    if (attempt >= BUSY_RETRIES) {
                        Libc.INSTANCE.umount2(target.toString(), MNT_DETACH);
                        return;
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Detaches the mount at once (MNT_DETACH) whoever still uses it: for the last-resort cleanup of
     * an interrupted build whose steps did not finish in time. No-op when already unmounted.
     */
    public synchronized void detach() {
        if (!mounted) {
            return;
        }
        try {
            Libc.INSTANCE.umount2(target.toString(), MNT_DETACH);
            mounted = false;
            cleanLinks(linkDir);
        } catch (LastErrorException e) {
            // not mounted any more, or never was: nothing to detach
        }
    }

    private static void cleanLinks(Path linkDir) {
        if (linkDir != null) {
            try {
                Directories.deleteRecursively(linkDir);
            } catch (IOException ignored) {
                // a few symlinks in the work dir's parent; harmless
            }
        }
    }

    private static String join(List<String> paths) {
        StringBuilder b = new StringBuilder();
        for (String p : paths) {
            if (b.length() > 0) {
                b.append(':');
            }
            b.append(escape(p));
        }
        return b.toString();
    }

    /** overlayfs option syntax: {@code \}, {@code ,} and {@code :} in paths are backslash-escaped. */
    private static String escape(String path) {
        return path.replace("\\", "\\\\").replace(",", "\\,").replace(":", "\\:");
    }
}
