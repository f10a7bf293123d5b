package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.ImageImporter;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidValueException;
import io.jbuild.layerstore.NamedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jbuild load [-i FILE|DIR]}: images from an OCI layout (tar or directory) or a
 * {@code docker save} archive into the store, as {@code docker load} does.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Load images from an archive into the store: an OCI image layout (tar, or directory) or a "
                + "docker save archive, told apart by content; tars may be gzip or bzip2 compressed.",
                "Docker archive layers are stored gzip-compressed with the config unchanged. Images are tagged with "
                        + "their normalised names (io.containerd.image.name, a full org.opencontainers.image.ref.name, "
                        + "or RepoTags) once all their blobs are stored; images without a name are kept untagged."})
final class LoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE|DIR",
            description = "The archive or layout directory (default: standard input).")
    Path input;

    @Option(names = {"-q", "--quiet"}, description = "Print only the loaded names (or manifest digests of unnamed "
            + "images), one per line.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Environment env = main.environment();
        PrintWriter out = spec.commandLine().getOut();
        BlobStore blobs = store.open(env);
        List<NamedImage> images;
        if (input == null) {
            if (env.terminal()) {
                throw new CommandException("load: no -i FILE given and standard input is a terminal");
            }
            images = ImageImporter.load(blobs, env.stdin(), "standard input");
        } else {
            if (!Files.exists(input)) {
                throw new CommandException("load " + input + ": no such file or directory");
            }
            images = ImageImporter.load(blobs, input);
        }
        for (NamedImage image : images) {
            if (image.name() != null) {
                String name = familiar(image.name());
                out.println(quiet ? name : "Loaded image: " + name);
            } else {
                String digest = image.manifest().digest().toString();
                out.println(quiet ? digest : "Loaded image ID: " + digest);
            }
        }
        out.flush();
        return 0;
    }

    /** The short form docker load prints ({@code busybox:latest}); the store tag is the full name. */
    private static String familiar(String name) {
        try {
            return ImageReference.parse(name).familiar();
        } catch (InvalidValueException e) {
            return name;
        }
    }
}
