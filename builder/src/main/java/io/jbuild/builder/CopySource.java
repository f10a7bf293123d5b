package io.jbuild.builder;

import io.jbuild.dockerfile.PatternMatcher;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the relative sources of a COPY or ADD are read from: the build context (files owned by
 * root in the image, {@code .dockerignore} applied) or another stage's or image's root file system
 * ({@code --from}, ownership kept).
 *
 * @param root the directory source paths are relative to
 * @param ignore the context's {@code .dockerignore} matcher, null when nothing is ignored
 * @param context true for the build context, false for a stage or image root file system
 */
record CopySource(Path root, PatternMatcher ignore, boolean context) {
    CopySource {
        Objects.requireNonNull(root, "root");
    }

    /** The build context at {@code root} with its {@code .dockerignore} matcher (nullable). */
    static CopySource context(Path root, PatternMatcher ignore) {
        return new CopySource(root, ignore, true);
    }

    /** A stage's or image's root file system ({@code COPY --from}). */
    static CopySource rootfs(Path root) {
        return new CopySource(root, null, false);
    }
}
