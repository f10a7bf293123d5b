package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.ImageExporter;
import io.jbuild.layerstore.NamedImage;
import io.jbuild.layerstore.StoredImages;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code jbuild save REF... -o FILE [--format docker|oci]}: images of the store as a
 * {@code docker save} archive (the default, as with {@code docker save}) or an OCI image layout.
 */
@Command(name = "save", mixinStandardHelpOptions = true,
        description = {"Save images of the store to an archive.",
                "--format docker (the default, as docker save) writes the classic docker save layout every docker "
                        + "load reads (manifest.json, uncompressed layer tars); --format oci writes an OCI image "
                        + "layout (skopeo oci-archive:, umoci, podman load, docker load 25+), or a layout directory "
                        + "when -o names an existing empty directory. A FILE ending in .gz is gzip-compressed."})
final class SaveCommand implements Callable<Integer> {
    enum Format { docker, oci }

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Parameters(paramLabel = "IMAGE", arity = "1..*",
            description = "Images to save: names (normalised as pull does), digests or ID prefixes.")
    List<String> references;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write (default: standard "
            + "output, unless it is a terminal).")
    Path output;

    @Option(names = "--format", paramLabel = "docker|oci", defaultValue = "docker",
            description = "Archive format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws Exception {
        Environment env = main.environment();
        BlobStore blobs = store.open(env);
        List<NamedImage> images = new ArrayList<>();
        for (String reference : references) {
            StoredImages.Image image = StoredImages.find(blobs, reference, null).orElseThrow(
                    () -> new CommandException("save " + reference + ": no such image in the store"));
            images.add(new NamedImage(image.name(), image.descriptor()));
        }
        if (output != null && Files.isDirectory(output)) {
            if (format != Format.oci) {
                throw new CommandException("save: " + output + " is a directory; only --format oci can be written "
                        + "as a directory");
            }
            ImageExporter.writeOciLayoutDirectory(blobs, images, output);
            return 0;
        }
        if (output == null) {
            if (env.terminal()) {
                throw new CommandException("save: refusing to write an archive to a terminal; use -o FILE");
            }
            OutputStream stdout = new BufferedOutputStream(new FileOutputStream(java.io.FileDescriptor.out), 1 << 16);
            write(blobs, images, stdout);
            stdout.flush();
            return 0;
        }
        Path absolute = output.toAbsolutePath();
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + ".jbuild-" + ProcessHandle.current().pid());
        try {
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                if (output.getFileName().toString().endsWith(".gz")) {
                    try (GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16)) {
                        write(blobs, images, gz);
                    }
                } else {
                    write(blobs, images, file);
                }
            }
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return 0;
    }

    private void write(BlobStore blobs, List<NamedImage> images, OutputStream out) throws Exception {
        if (format == Format.oci) {
            ImageExporter.writeOciLayout(blobs, images, out);
        } else {
            ImageExporter.writeDockerArchive(blobs, images, out);
        }
    }

}
