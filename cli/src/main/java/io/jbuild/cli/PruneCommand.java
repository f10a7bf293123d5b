package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.GarbageCollector;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jbuild prune}: deletes blobs no tag reaches, layer dirs no tagged image uses, and dead
 * writers' temp files. Deletes blobs and layer dirs only while no other jbuild process has the
 * store open (see {@link GarbageCollector}). Layers the build step cache holds are kept; with
 * {@code --cache} the step cache is pruned first ({@link CachePruneOptions}), so what it let go of is
 * deleted too.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Delete blobs no tag reaches, unpacked layers no tagged image uses, and temporary files "
                + "of dead processes; print them and the space reclaimed.",
                "Blobs and layers are deleted only while no other jbuild process uses the store.",
                "Layers the build step cache holds are kept; --cache prunes the step cache first."})
final class PruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Option(names = {"-a", "--all"}, description = "Also delete the unpacked layers of tagged images "
            + "(they are unpacked again from their blobs when needed), except mounted ones.")
    boolean all;

    @Mixin
    CachePruneOptions cache;

    @Option(names = "--dry-run", description = "Only print what would be deleted.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BlobStore blobs = store.openKeepingTmp(main.environment());
        if (cache.cache && !dryRun) {
            cache.prune(blobs, out);
        }
        GarbageCollector.Result result = new GarbageCollector(blobs,
                new GarbageCollector.Options(all, dryRun, io.jbuild.builder.Builder.cacheRoots(blobs))).collect();
        String verb = dryRun ? "Would delete " : "Deleted ";
        for (GarbageCollector.Removal r : result.removals()) {
            String what = switch (r.kind()) {
                case BLOB -> "blob " + r.name();
                case LAYER_DIR -> "layer dir " + r.name();
                case TMP -> "tmp/" + r.name();
            };
            out.println(verb + what + " (" + Units.size(r.size()) + ")");
        }
        for (Digest d : result.keptMounted()) {
            out.println("Kept layer dir " + d + " (mounted)");
        }
        if (result.storeInUse()) {
            err.println("warning: another jbuild process has the store open: only its dead processes' temporary "
                    + "files were considered; run prune again when it has finished");
        }
        out.println((dryRun ? "Total reclaimable space: " : "Total reclaimed space: ") + Units.size(result.reclaimed()));
        out.flush();
        err.flush();
        return 0;
    }
}
