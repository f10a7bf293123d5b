package io.jbuild.cli;

import io.jbuild.layerstore.StoreChecker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild fsck}: checks the store; exit 1 when something is damaged. */
@Command(name = "fsck", mixinStandardHelpOptions = true,
        description = {"Check the store: every blob against its digest, every image of index.json complete and "
                + "well-formed, every unpacked layer dir against the record written when it was created.",
                "Prints one line per finding (damage, warning or info); files left in tmp/ by writers that died are "
                        + "removed and reported as info. Exit status 1 when anything is damaged, else 0."})
final class FsckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Option(names = "--deep", description = "Also decompress every layer of every image and compare it with the "
            + "diff id its config states (reads all layers once more).")
    boolean deep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path root = store.resolve(main.environment());
        List<StoreChecker.Problem> problems = StoreChecker.check(root, deep);
        long damage = problems.stream().filter(StoreChecker.Problem::isDamage).count();
        long warnings = problems.stream().filter(p -> p.kind().severity() == StoreChecker.Severity.WARNING).count();
        for (StoreChecker.Problem p : problems) {
            out.println(p);
        }
        out.println("checked " + root + ": " + (damage == 0 ? "no damage" : damage + " damaged")
                + (warnings == 0 ? "" : ", " + warnings + " warning" + (warnings == 1 ? "" : "s")));
        out.flush();
        return damage == 0 ? 0 : 1;
    }
}
