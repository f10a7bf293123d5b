package io.jbuild.maven;

import io.jbuild.builder.BuildException;
import io.jbuild.builder.BuildProgress;
import io.jbuild.builder.BuildRequest;
import io.jbuild.builder.BuildResult;

/** What {@code jbuild:build} runs a build with: the builder facade over a store and a registry client (a seam for tests). */
@FunctionalInterface
interface ImageBuilder {
    BuildResult build(BuildRequest request, BuildProgress progress) throws BuildException, InterruptedException;
}
