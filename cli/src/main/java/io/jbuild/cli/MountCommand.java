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

/**
 * {@code jbuild mount REF DIR}: a read-only overlay of the image's layer dirs at DIR, left in place
 * for {@code jbuild umount DIR}. Needs root (CAP_SYS_ADMIN).
 */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = "Mount an image's file system read-only at DIR (an overlay of its layers; needs root). "
                + "Undo with jbuild umount DIR.")
final class MountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Name, ID or digest.")
    String ref;

    @Parameters(index = "1", paramLabel = "DIR", description = "The mount point (created if missing).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        BlobStore blobs = store.open(main.environment());
        StoredImages.Image image = StoreImages.find(blobs, ref);
        StoredImages.mount(blobs, image, dir); // stays mounted after this process
        PrintWriter out = spec.commandLine().getOut();
        out.println(dir.toAbsolutePath().normalize());
        out.flush();
        return 0;
    }
}
