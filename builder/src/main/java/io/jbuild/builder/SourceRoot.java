package io.jbuild.builder;

import io.jbuild.dockerfile.PlannedStage;
import io.jbuild.layerstore.Platform;
import java.util.Locale;

/**
 * The file tree a COPY or a bind mount reads from: the build context, another stage's result, or
 * an image (mounted read-only for the step's duration).
 */
final class SourceRoot implements AutoCloseable {
    private final CopySource source;
    private final StepMount mount;

    private SourceRoot(CopySource source, StepMount mount) {
        this.source = source;
        this.mount = mount;
    }

    /** {@code from}: null or {@code context} for the build context, a stage name or index, or an image reference. */
    static SourceRoot open(BuildContext ctx, String from, Platform platform) throws BuildException, InterruptedException {
        if (from == null || from.isEmpty() || from.equals("context")) {
            return new SourceRoot(new CopySource(ctx.contextDir, ctx.ignore, true), null);
        }
        ImageState image = stageResult(ctx, from);
        if (image == null) {
            image = BaseImages.resolve(ctx, from, platform, false);
        }
        ctx.cache.ensureBlobs(image.layers());
        StepMount mount = StepMount.mount(ctx.store, image.layerDirs(ctx.store), "from");
        return new SourceRoot(new CopySource(mount.root(), null, false), mount);
    }

    /** The result of the stage {@code from} names (waiting for it), null when no stage has that name. */
    static ImageState stageResult(BuildContext ctx, String from) throws BuildException, InterruptedException {
        String wanted = from.toLowerCase(Locale.ROOT);
        for (PlannedStage ps : ctx.plan.stages()) {
            boolean match = wanted.equals(ps.stage().name()) || wanted.equals(Integer.toString(ps.index()));
            if (match) {
                var future = ctx.stages.get(ps.index());
                if (future == null) {
                    throw new BuildException("stage " + from + " is not part of this build");
                }
                try {
                    return future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new BuildException("stage " + from + " failed", e.getCause());
                }
            }
        }
        return null;
    }

    CopySource copySource() {
        return source;
    }

    java.nio.file.Path root() {
        return source.root();
    }

    @Override
    public void close() throws BuildException {
        if (mount != null) {
            mount.close();
        }
    }
}
