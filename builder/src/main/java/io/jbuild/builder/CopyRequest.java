package io.jbuild.builder;

import io.jbuild.dockerfile.Chmod;
import io.jbuild.dockerfile.SourceContent;

import java.util.List;
import java.util.Objects;

/**
 * One COPY or ADD with its variables already expanded.
 *
 * @param source where relative sources are read from
 * @param sources the sources as written: paths and globs, for ADD also http(s) and git URLs
 * @param inline heredoc sources (data already expanded where the heredoc asks for it)
 * @param dest the destination as written, relative to {@code workdir} unless absolute
 * @param workdir the step's absolute working directory
 * @param uid the resolved {@code --chown} user, null for the default ownership
 * @param gid the resolved {@code --chown} group, null exactly when {@code uid} is
 * @param chmod the {@code --chmod} mode, null when not given
 * @param parents {@code --parents}: keep the sources' parent directories under {@code dest}
 * @param excludes {@code --exclude} patterns
 * @param add true for ADD (archives unpacked, URLs fetched), false for COPY
 * @param checksum ADD {@code --checksum} ({@code sha256:<hex>}), null when not given
 * @param keepGitDir ADD {@code --keep-git-dir}
 * @param sourceDateEpoch SOURCE_DATE_EPOCH in seconds, null when not set; BuildKit does not use it
 *        while copying (timestamps are clamped when the layer is written), neither does this
 * @param unpack ADD {@code --unpack}: null for the default (local archives unpacked, URLs not)
 */
record CopyRequest(CopySource source, List<String> sources, List<SourceContent> inline, String dest, String workdir,
                   Integer uid, Integer gid, Chmod chmod, boolean parents, List<String> excludes, boolean add,
                   String checksum, boolean keepGitDir, Long sourceDateEpoch, Boolean unpack) {
    CopyRequest {
        Objects.requireNonNull(source, "source");
        sources = List.copyOf(sources);
        inline = List.copyOf(inline);
        Objects.requireNonNull(dest, "dest");
        Objects.requireNonNull(workdir, "workdir");
        if (!workdir.startsWith("/")) {
            throw new IllegalArgumentException("workdir must be absolute: " + workdir);
        }
        if ((uid == null) != (gid == null)) {
            throw new IllegalArgumentException("uid and gid must both be given or both be null");
        }
        excludes = List.copyOf(excludes);
    }

    /** A request without {@code --unpack} (the default for its instruction). */
    CopyRequest(CopySource source, List<String> sources, List<SourceContent> inline, String dest, String workdir,
                Integer uid, Integer gid, Chmod chmod, boolean parents, List<String> excludes, boolean add,
                String checksum, boolean keepGitDir, Long sourceDateEpoch) {
        this(source, sources, inline, dest, workdir, uid, gid, chmod, parents, excludes, add, checksum, keepGitDir,
                sourceDateEpoch, null);
    }

    /** A plain {@code COPY sources... dest} without flags. */
    static CopyRequest copy(CopySource source, List<String> sources, String dest, String workdir) {
        return new CopyRequest(source, sources, List.of(), dest, workdir, null, null, null, false, List.of(), false,
                null, false, null, null);
    }

    /** A plain {@code ADD sources... dest} without flags. */
    static CopyRequest add(CopySource source, List<String> sources, String dest, String workdir) {
        return new CopyRequest(source, sources, List.of(), dest, workdir, null, null, null, false, List.of(), true,
                null, false, null, null);
    }

    CopyRequest withInline(List<SourceContent> contents) {
        return new CopyRequest(source, sources, contents, dest, workdir, uid, gid, chmod, parents, excludes, add,
                checksum, keepGitDir, sourceDateEpoch, unpack);
    }

    CopyRequest withChown(int user, int group) {
        return new CopyRequest(source, sources, inline, dest, workdir, user, group, chmod, parents, excludes, add,
                checksum, keepGitDir, sourceDateEpoch, unpack);
    }

    CopyRequest withChmod(Chmod mode) {
        return new CopyRequest(source, sources, inline, dest, workdir, uid, gid, mode, parents, excludes, add,
                checksum, keepGitDir, sourceDateEpoch, unpack);
    }

    CopyRequest withParents(boolean keepParents) {
        return new CopyRequest(source, sources, inline, dest, workdir, uid, gid, chmod, keepParents, excludes, add,
                checksum, keepGitDir, sourceDateEpoch, unpack);
    }

    CopyRequest withExcludes(List<String> patterns) {
        return new CopyRequest(source, sources, inline, dest, workdir, uid, gid, chmod, parents, patterns, add,
                checksum, keepGitDir, sourceDateEpoch, unpack);
    }

    CopyRequest withChecksum(String digest) {
        return new CopyRequest(source, sources, inline, dest, workdir, uid, gid, chmod, parents, excludes, add,
                digest, keepGitDir, sourceDateEpoch, unpack);
    }

    CopyRequest withKeepGitDir(boolean keep) {
        return new CopyRequest(source, sources, inline, dest, workdir, uid, gid, chmod, parents, excludes, add,
                checksum, keep, sourceDateEpoch, unpack);
    }

    CopyRequest withUnpack(Boolean unpackArchives) {
        return new CopyRequest(source, sources, inline, dest, workdir, uid, gid, chmod, parents, excludes, add,
                checksum, keepGitDir, sourceDateEpoch, unpackArchives);
    }
}
