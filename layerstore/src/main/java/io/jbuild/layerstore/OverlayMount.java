package io.jbuild.layerstore;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An overlayfs mount of layer dirs (read-only lower dirs, top first) under a writable upper dir,
 * made with mount(2) and undone with umount2(2) on {@link #close()}. Needs CAP_SYS_ADMIN.
 *
 * <p>The kernel limits mount options to one page. When the lower dir paths are too long, they are
 * replaced by short numbered symlinks in a directory next to the work dir (overlayfs resolves
 * them once, at mount time). {@code redirect_dir} and {@code metacopy} are turned off when the
 * kernel knows them, so the upper dir holds plain files that {@link LayerWriter} can archive.
 */
public final class OverlayMount implements AutoCloseable {
    private static final int OPTIONS_MAX = 4095;
    private static final int EINVAL = 22;

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
        Libc.INSTANCE.mount("overlay", target.toString(), "overlay", 0L, options);
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
    public void close() throws StoreException {
        if (!mounted) {
            return;
        }
        try {
            Libc.INSTANCE.umount2(target.toString(), 0);
            mounted = false;
        } catch (LastErrorException e) {
            throw new StoreException("unmount overlay at " + target + ": errno " + e.getErrorCode()
                    + (e.getErrorCode() == 16 ? " (busy: a process still uses it)" : ""), e);
        } finally {
            if (!mounted) {
                cleanLinks(linkDir);
            }
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
