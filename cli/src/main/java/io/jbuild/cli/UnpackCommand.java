package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.StoredImages;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild unpack REF DIR}: the image's flattened root file system into an empty directory. */
@Command(name = "unpack", mixinStandardHelpOptions = true,
        description = "Unpack an image's flattened root file system into DIR (created if missing; must be empty).")
final class UnpackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Name, ID or digest.")
    String ref;

    @Parameters(index = "1", paramLabel = "DIR", description = "The target directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        BlobStore blobs = store.open(main.environment());
        StoredImages.Image image = StoreImages.find(blobs, ref);
        PrintWriter err = spec.commandLine().getErr();
        for (String warning : StoredImages.unpack(blobs, image, dir)) {
            err.println("warning: " + warning);
        }
        err.flush();
        return 0;
    }
}
