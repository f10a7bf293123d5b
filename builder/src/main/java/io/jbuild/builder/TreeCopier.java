package io.jbuild.builder;

import io.jbuild.dockerfile.Chmod;
import io.jbuild.dockerfile.PatternMatcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies one source tree onto a destination with {@code cp -a} semantics as BuildKit's file
 * operation does (tonistiigi/fsutil {@code copy.Copy}): directories merge into existing ones,
 * files replace files and symlinks, a file never replaces a directory nor a directory a file,
 * symlinks below the top are copied as links, hardlinks inside the tree stay hardlinks, modes,
 * times and extended attributes are kept, ownership is kept, zeroed (build context) or set
 * ({@code --chown}), and {@code --chmod} is applied to everything copied.
 *
 * <p>Include patterns ({@code --parents}), exclude patterns ({@code --exclude}) and the context's
 * {@code .dockerignore} filter the entries below the top; a directory that is itself filtered
 * out but holds wanted entries is created when the first of them is copied. One instance serves
 * one source (wildcard matches included), so that hardlinks are found across its matches.
 */
final class TreeCopier {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFREG = 0100000;
    private static final String OVERLAY_XATTRS = "trusted.overlay.";

    private final Path sourceRoot;
    private final PatternMatcher ignore;
    private final PatternMatcher includes;
    private final PatternMatcher excludes;
    private final Integer uid;
    private final Integer gid;
    private final boolean zeroOwnership;
    private final Chmod chmod;
    private final Map<String, Path> inodes = new HashMap<>();
    private final List<ParentDir> parentDirs = new ArrayList<>();

    /**
     * @param sourceRoot the real path the ignore matcher's paths are relative to
     * @param ignore the {@code .dockerignore} matcher, null for none
     * @param includes include patterns ({@code --parents}), null for all
     * @param excludes exclude patterns, null for none
     * @param uid the {@code --chown} user, null to keep (or zero) the source's
     * @param gid the {@code --chown} group, null exactly when uid is
     * @param zeroOwnership without {@code --chown}, give copies to 0:0 (the build context) instead of the source's owner
     * @param chmod {@code --chmod}, null to keep the source's modes
     */
    TreeCopier(Path sourceRoot, PatternMatcher ignore, PatternMatcher includes, PatternMatcher excludes, Integer uid,
               Integer gid, boolean zeroOwnership, Chmod chmod) {
        this.sourceRoot = sourceRoot;
        this.ignore = ignore == null || ignore.isEmpty() ? null : ignore;
        this.includes = includes;
        this.excludes = excludes == null || excludes.isEmpty() ? null : excludes;
        this.uid = uid;
        this.gid = gid;
        this.zeroOwnership = zeroOwnership;
        this.chmod = chmod;
    }

    /**
     * Copies {@code src} (already resolved inside its root, symlinks followed) to {@code dest}
     * (resolved inside the target root): a directory's contents into {@code dest}, created when
     * missing, when {@code copyDirContents}; a file to {@code dest}, or into it when {@code dest} is
     * an existing directory (named {@code name}, the source's name as written).
     */
    void copy(Path src, String name, Path dest, boolean copyDirContents) throws IOException {
        boolean srcIsDir = Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS);
        boolean destExists = Files.exists(dest);
        boolean destIsDir = Files.isDirectory(dest);
        if ((!copyDirContents && srcIsDir && destExists) || (!srcIsDir && destIsDir)) {
            dest = dest.resolve(name);
        }
        Path target = dest.getParent();
        if (copyDirContents && srcIsDir && !destExists) {
            target = dest;
        }
        if (target != null) {
            mkdirAll(target, createdDirMode(), uid, gid);
        }
        Match none = new Match(PatternMatcher.MatchInfo.NONE, PatternMatcher.MatchInfo.NONE, ignoreInfo(src));
        copyEntry(src, "", dest, false, none);
    }

    /** The mode of directories this copier creates for a destination: 0755, or the octal --chmod. */
    int createdDirMode() {
        return chmod != null && chmod.octal() != null ? chmod.octal() & 0777 : 0755;
    }

    /**
     * Creates {@code dir} and its missing parents (which must resolve inside the target already),
     * each with {@code mode} and, when given, the owner; returns those created, outermost first.
     */
    static List<Path> mkdirAll(Path dir, int mode, Integer uid, Integer gid) throws IOException {
        List<Path> missing = new ArrayList<>();
        Path p = dir;
        while (p != null && !Files.isDirectory(p)) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("mkdir " + p + ": not a directory");
            }
            missing.add(0, p);
            p = p.getParent();
        }
        for (Path m : missing) {
            Files.createDirectory(m);
            PosixFiles.chmod(m, mode);
            if (uid != null) {
                PosixFiles.lchown(m, uid, gid);
            }
        }
        return missing;
    }

    private PatternMatcher.MatchInfo ignoreInfo(Path src) {
        if (ignore == null || !src.startsWith(sourceRoot)) {
            return PatternMatcher.MatchInfo.NONE;
        }
        String rel = RootPaths.relative(sourceRoot, src);
        return rel.isEmpty() ? PatternMatcher.MatchInfo.NONE
                : ignore.matchesUsingParentResults(rel, PatternMatcher.MatchInfo.NONE).info();
    }

    /** The copying thread was interrupted; FileCopier turns this into an InterruptedException. */
    static final class Interrupted extends IOException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("copy interrupted");
        }
    }

    /** Pattern state handed from a directory to its entries. */
    private record Match(PatternMatcher.MatchInfo include, PatternMatcher.MatchInfo exclude,
                         PatternMatcher.MatchInfo ignore) {
    }

    private static final class ParentDir {
        final Path src;
        final Path dst;
        boolean copied;

        ParentDir(Path src, Path dst) {
            this.src = src;
            this.dst = dst;
        }
    }

    private void copyEntry(Path src, String components, Path target, boolean overwriteMetadata, Match parent)
            throws IOException {
        boolean include = true;
        boolean excluded = false;
        boolean ignored = false;
        Match match = parent;
        if (!components.isEmpty()) {
            PatternMatcher.MatchInfo includeInfo = parent.include;
            PatternMatcher.MatchInfo excludeInfo = parent.exclude;
            PatternMatcher.MatchInfo ignoreInfo = parent.ignore;
            if (includes != null) {
                PatternMatcher.Match m = includes.matchesUsingParentResults(components, parent.include);
                include = m.excluded();
                includeInfo = m.info();
            }
            if (excludes != null) {
                PatternMatcher.Match m = excludes.matchesUsingParentResults(components, parent.exclude);
                excludeInfo = m.info();
                if (m.excluded()) {
                    include = false;
                    excluded = true;
                }
            }
            if (ignore != null) {
                PatternMatcher.Match m = ignore.matchesUsingParentResults(RootPaths.relative(sourceRoot, src),
                        parent.ignore);
                ignoreInfo = m.info();
                if (m.excluded()) {
                    include = false;
                    ignored = true;
                    if (!ignore.hasExclusions()) {
                        return;
                    }
                }
            }
            match = new Match(includeInfo, excludeInfo, ignoreInfo);
            if (!include && includes == null && !ignored && !excludes.hasExclusions()) {
                return;
            }
        }

        Map<String, Object> attrs = PosixFiles.lstat(src);
        boolean isDir = (Boolean) attrs.get("isDirectory");
        if (!include && !isDir) {
            return;
        }
        Map<String, Object> targetAttrs = RootPaths.exists(target) ? PosixFiles.lstat(target) : null;
        if (include) {
            createParentDirs(overwriteMetadata);
        }
        if (!isDir) {
            ensureEmptyFileTarget(target, targetAttrs);
        }

        boolean copyInfo = include;
        boolean restoreTimes = false;
        int mode = (Integer) attrs.get("mode");
        if (isDir) {
            boolean created = copyDirectory(src, components, target, attrs, overwriteMetadata, include, excluded,
                    ignored, match);
            if (!overwriteMetadata) {
                copyInfo = created;
                restoreTimes = !created;
            }
        } else if ((Boolean) attrs.get("isRegularFile")) {
            Path link = null;
            if ((Integer) attrs.get("nlink") > 1) {
                String key = attrs.get("dev") + ":" + attrs.get("ino");
                link = inodes.get(key);
                if (link == null) {
                    inodes.put(key, target);
                }
            }
            if (link != null) {
                Files.createLink(target, link);
            } else {
                Files.copy(src, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } else if ((Boolean) attrs.get("isSymbolicLink")) {
            Files.createSymbolicLink(target, Files.readSymbolicLink(src));
        } else if ((mode & S_IFMT) == S_IFSOCK && zeroOwnership) {
            // the build context arrives over fsutil's transfer, which sends sockets as empty files
            Files.createFile(target);
            mode = (mode & 07777) | S_IFREG;
        } else {
            PosixFiles.mknod(target, mode, ((Number) attrs.get("rdev")).longValue());
        }

        if (copyInfo) {
            copyFileInfo(attrs, mode, target);
            copyXattrs(src, target);
        } else if (restoreTimes && targetAttrs != null) {
            copyTimes(attrs, target);
        }
    }

    private boolean copyDirectory(Path src, String components, Path dst, Map<String, Object> attrs,
                                  boolean overwriteMetadata, boolean include, boolean excluded, boolean ignored,
                                  Match match) throws IOException {
        boolean created = false;
        ParentDir parent = new ParentDir(src, dst);
        if (include) {
            created = copyDirectoryOnly(dst, attrs, overwriteMetadata);
            parent.copied = true;
        }
        parentDirs.add(parent);
        try {
            if (excluded && !excludes.hasExclusions()) {
                return created;
            }
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(src)) {
                for (Path child : entries) {
                    children.add(child);
                }
            }
            children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
            for (Path child : children) {
                if (Thread.interrupted()) {
                    throw new Interrupted();
                }
                String name = child.getFileName().toString();
                copyEntry(child, components.isEmpty() ? name : components + "/" + name, dst.resolve(name), true,
                        match);
            }
        } finally {
            parentDirs.remove(parentDirs.size() - 1);
        }
        return created;
    }

    /** Creates the directories delayed because they were filtered out themselves, now that something below is copied. */
    private void createParentDirs(boolean overwriteMetadata) throws IOException {
        for (ParentDir parent : parentDirs) {
            if (parent.copied) {
                continue;
            }
            Map<String, Object> attrs = PosixFiles.lstat(parent.src);
            if (!(Boolean) attrs.get("isDirectory")) {
                throw new IOException(parent.src + " is not a directory");
            }
            if (copyDirectoryOnly(parent.dst, attrs, overwriteMetadata)) {
                copyFileInfo(attrs, (Integer) attrs.get("mode"), parent.dst);
                copyXattrs(parent.src, parent.dst);
            }
            parent.copied = true;
        }
    }

    private static boolean copyDirectoryOnly(Path dst, Map<String, Object> attrs, boolean overwriteMetadata)
            throws IOException {
        if (!RootPaths.exists(dst)) {
            Files.createDirectory(dst);
            PosixFiles.chmod(dst, (Integer) attrs.get("mode") & 07777);
            return true;
        }
        if (!Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot copy to non-directory: " + dst);
        }
        if (overwriteMetadata) {
            PosixFiles.chmod(dst, (Integer) attrs.get("mode") & 07777);
        }
        return false;
    }

    private static void ensureEmptyFileTarget(Path target, Map<String, Object> targetAttrs) throws IOException {
        if (targetAttrs == null) {
            return;
        }
        if ((Boolean) targetAttrs.get("isDirectory")) {
            throw new IOException("cannot replace to directory " + target + " with file");
        }
        Files.delete(target);
    }

    private void copyFileInfo(Map<String, Object> attrs, int mode, Path target) throws IOException {
        int owner;
        int group;
        if (uid != null) {
            owner = uid;
            group = gid;
        } else if (zeroOwnership) {
            owner = 0;
            group = 0;
        } else {
            owner = (Integer) attrs.get("uid");
            group = (Integer) attrs.get("gid");
        }
        PosixFiles.lchown(target, owner, group);
        boolean symlink = (Boolean) attrs.get("isSymbolicLink");
        if (!symlink) {
            int perm = mode & 07777;
            if (chmod != null) {
                perm = chmod.applyTo(perm, (Boolean) attrs.get("isDirectory"));
            }
            // after chown, which clears setuid/setgid bits
            PosixFiles.chmod(target, perm);
        }
        copyTimes(attrs, target);
    }

    private static void copyTimes(Map<String, Object> attrs, Path target) throws IOException {
        PosixFiles.setTimes(target, nanos((FileTime) attrs.get("lastAccessTime")),
                nanos((FileTime) attrs.get("lastModifiedTime")));
    }

    private static long nanos(FileTime time) {
        java.time.Instant i = time.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static void copyXattrs(Path src, Path target) throws IOException {
        for (String name : PosixFiles.listXattrs(src)) {
            if (name.startsWith(OVERLAY_XATTRS)) {
                // overlayfs bookkeeping of a layer dir (opaque, redirect): copied, it would change what the target hides
                continue;
            }
            byte[] value = PosixFiles.getXattr(src, name);
            if (value == null) {
                continue;
            }
            try {
                PosixFiles.setXattr(target, name, value);
            } catch (IOException e) {
                // BuildKit logs and goes on (BestEffortXattrs); e.g. trusted.* on a file system without them
            }
        }
    }
}
