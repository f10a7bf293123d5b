package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.ImageDiff;
import io.jbuild.layerstore.StoredImages;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild diff REF1 REF2}: added, changed and deleted paths from one image's file system to another's. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "List the paths added (A), changed (C) or deleted (D) from IMAGE1's file system to IMAGE2's "
                + "(content, mode, owner, link targets and xattrs compared; mtimes ignored).")
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "IMAGE1", description = "Name, ID or digest of the old image.")
    String from;

    @Parameters(index = "1", paramLabel = "IMAGE2", description = "Name, ID or digest of the new image.")
    String to;

    @Override
    public Integer call() throws Exception {
        BlobStore blobs = store.open(main.environment());
        StoredImages.Image a = StoreImages.find(blobs, from);
        StoredImages.Image b = StoreImages.find(blobs, to);
        PrintWriter out = spec.commandLine().getOut();
        for (ImageDiff.Change change : ImageDiff.compare(blobs, a, b)) {
            out.println(change);
        }
        out.flush();
        return 0;
    }
}
