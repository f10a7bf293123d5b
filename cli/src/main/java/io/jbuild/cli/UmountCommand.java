package io.jbuild.cli;

import io.jbuild.layerstore.OverlayMount;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jbuild umount DIR}: undoes {@code jbuild mount}; refuses anything but an overlay mount point. */
@Command(name = "umount", mixinStandardHelpOptions = true,
        description = "Unmount an image mounted with jbuild mount (only overlay mount points).")
final class UmountCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The mount point.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        OverlayMount.unmount(dir);
        return 0;
    }
}
