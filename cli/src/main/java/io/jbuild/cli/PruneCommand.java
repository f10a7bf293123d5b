package io.jbuild.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jbuild prune --cache}: prunes the build step cache. (A minimal command for the cache
 * options; the store's garbage collection joins it as {@code jbuild prune} without {@code --cache}.)
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"With --cache: delete build step cache entries (all, or those unused for --filter until=, "
                + "or the least recently used beyond --keep-storage)."})
final class PruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Mixin
    CachePruneOptions cache;

    @Override
    public Integer call() throws Exception {
        if (!cache.cache) {
            throw new CommandException("prune: only --cache is supported in this build");
        }
        cache.prune(store.open(main.environment()), spec.commandLine().getOut());
        return 0;
    }
}
