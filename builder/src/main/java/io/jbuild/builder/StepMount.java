package io.jbuild.builder;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.OverlayMount;
import io.jbuild.layerstore.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A step's root file system: an overlay of layer directories (bottom first) with a fresh upper
 * directory under the store's {@code tmp/}. After {@link #unmount()} the upper directory is the
 * step's change set; {@link #close()} unmounts (if still mounted) and removes what is left.
 */
final class StepMount implements AutoCloseable {
    private final Path dir;
    private final Path upper;
    private OverlayMount overlay;
    private boolean keepUpper;

    /** The mounts of this process's builds that are not closed yet (for {@link #detachAll}). */
    private static final java.util.Set<StepMount> ACTIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Last resort when an interrupted build's steps do not finish in time: detaches every overlay
     * that threads of {@code build} (the build's stage threads) still have mounted and removes their
     * directories, so none is left behind. Other builds in this process are not touched.
     */
    static void detachAll(ThreadGroup build) {
        for (StepMount m : List.copyOf(ACTIVE)) {
            if (m.owner != build) {
                continue;
            }
            OverlayMount o = m.overlay;
            if (o != null) {
                o.detach();
            }
            deleteQuietly(m.dir);
            ACTIVE.remove(m);
        }
    }

    private final ThreadGroup owner = Thread.currentThread().getThreadGroup();

    private StepMount(Path dir, Path upper, OverlayMount overlay) {
        this.dir = dir;
        this.upper = upper;
        this.overlay = overlay;
    }

    /** Mounts {@code layerDirs} (bottom first; may be empty for scratch). */
    static StepMount mount(BlobStore store, List<Path> layerDirs, String purpose) throws BuildException {
        return mount(store, layerDirs, purpose, upper -> { });
    }

    /** Fills the upper directory before the overlay is mounted (for example with whiteouts). */
    @FunctionalInterface
    interface UpperPreparer {
        void prepare(Path upper) throws IOException;
    }

    /** Mounts {@code layerDirs} (bottom first) over an upper directory {@code prepare} has filled. */
    static StepMount mount(BlobStore store, List<Path> layerDirs, String purpose, UpperPreparer prepare)
            throws BuildException {
        Path dir;
        try {
            dir = store.createTempDirectory(purpose);
        } catch (StoreException e) {
            throw new BuildException("prepare " + purpose + " mount: " + e.getMessage(), e);
        }
        try {
            Path upper = Files.createDirectory(dir.resolve("u"));
            prepare.prepare(upper);
            Path work = Files.createDirectory(dir.resolve("w"));
            Path merged = Files.createDirectory(dir.resolve("m"));
            List<Path> lowers = new ArrayList<>(layerDirs);
            Collections.reverse(lowers); // overlay wants the top first
            if (lowers.isEmpty()) {
                lowers.add(Files.createDirectory(dir.resolve("e")));
            }
            StepMount mount = new StepMount(dir, upper, OverlayMount.mount(lowers, upper, work, merged));
            ACTIVE.add(mount);
            return mount;
        } catch (IOException | StoreException e) {
            deleteQuietly(dir);
            throw new BuildException("mount the " + purpose + " root file system: " + e.getMessage(), e);
        }
    }

    /** The merged root. */
    Path root() {
        return dir.resolve("m");
    }

    /** The upper directory: the change set once unmounted. */
    Path upper() {
        return upper;
    }

    /** Unmounts; the upper directory then holds the change set. */
    void unmount() throws BuildException {
        if (overlay != null) {
            try {
                overlay.close();
                overlay = null;
            } catch (StoreException e) {
                throw new BuildException("unmount " + root() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Drops directories from the change set that overlayfs only copied up: empty, not opaque, and
     * with the same type, mode and owner as in the topmost lower layer that has them (for example
     * {@code /etc} after the runtime created and removed a mount point in it). Call after unmounting.
     */
    void pruneCopiedUpDirectories(List<Path> layerDirs) throws BuildException {
        List<Path> lowers = new ArrayList<>(layerDirs);
        Collections.reverse(lowers);
        try {
            prune(upper, lowers, "");
        } catch (IOException e) {
            throw new BuildException("clean change set " + upper + ": " + e, e);
        }
    }

    private static boolean prune(Path dir, List<Path> lowers, String relative) throws IOException {
        boolean empty = true;
        try (var entries = Files.newDirectoryStream(dir)) {
            for (Path child : entries) {
                String rel = relative.isEmpty() ? child.getFileName().toString() : relative + "/" + child.getFileName();
                if (Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS) && prune(child, lowers, rel)) {
                    continue;
                }
                empty = false;
            }
        }
        if (!empty || relative.isEmpty() || io.jbuild.layerstore.Whiteouts.isOverlayOpaque(dir)) {
            return false;
        }
        for (Path lower : lowers) {
            Path there = lower.resolve(relative);
            if (!Files.exists(there, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (!Files.isDirectory(there, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !sameOwnerAndMode(dir, there)) {
                return false;
            }
            Files.delete(dir);
            return true;
        }
        return false;
    }

    private static boolean sameOwnerAndMode(Path a, Path b) throws IOException {
        var la = java.nio.file.LinkOption.NOFOLLOW_LINKS;
        return Files.getAttribute(a, "unix:mode", la).equals(Files.getAttribute(b, "unix:mode", la))
                && Files.getAttribute(a, "unix:uid", la).equals(Files.getAttribute(b, "unix:uid", la))
                && Files.getAttribute(a, "unix:gid", la).equals(Files.getAttribute(b, "unix:gid", la));
    }

    /** The upper directory was renamed away (into the store's layers); do not delete it. */
    void upperTaken() {
        keepUpper = true;
    }

    @Override
    public void close() throws BuildException {
        ACTIVE.remove(this);
        try {
            unmount();
        } finally {
            if (keepUpper) {
                deleteQuietly(dir.resolve("w"));
                deleteQuietly(dir.resolve("m"));
                deleteQuietly(dir.resolve("e"));
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // tmp/ is cleaned of dead writers' entries later
                }
            } else {
                deleteQuietly(dir);
            }
        }
    }

    /** Deletes a file or tree (symlinks not followed), best effort; null or missing is fine. */
    static void deleteQuietly(Path path) {
        if (path == null || !Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            io.jbuild.layerstore.Directories.deleteRecursively(path);
        } catch (IOException ignored) {
            // best effort: the store's tmp/ is cleaned of dead writers' entries later
        }
    }
}
