package io.jbuild.builder;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jbuild.layerstore.ImageExporter;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidValueException;
import io.jbuild.layerstore.LayerWriter;
import io.jbuild.layerstore.NamedImage;
import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.StoredImages;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryException;
import io.jbuild.registry.TransferListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes a built image where the request asked: pushes, OCI/docker archives, a local rootfs or its tar, id and metadata files. */
final class ImageOutputs {
    private static final int PUSH_PARALLELISM = 4;
    private final BuildContext ctx;

    ImageOutputs(BuildContext ctx) {
        this.ctx = ctx;
    }

    BuildResult write(Builder.StoredImage image) throws BuildException {
        List<String> pushed = new ArrayList<>();
        List<String> names = new ArrayList<>(image.tags());
        for (BuildOutput output : ctx.request.outputs()) {
            try {
                switch (output.type()) {
                    case "image":
                        names.addAll(imageNames(output, image));
                        if (output.flag("push", false)) {
                            pushed.addAll(push(image, output.attribute("name") != null
                                    ? splitNames(output.attribute("name")) : image.tags()));
                        }
                        break;
                    case "local":
                        local(image, Path.of(output.attribute("dest")));
                        break;
                    case "tar":
                        tar(image, output.attribute("dest"));
                        break;
                    case "oci":
                    case "docker":
                        archive(image, output, names);
                        break;
                    default:
                        throw new BuildException("--output type=" + output.type() + " is not supported");
                }
            } catch (IOException | StoreException e) {
                throw new BuildException("write --output type=" + output.type() + ": " + e.getMessage(), e);
            }
        }
        BuildResult result = new BuildResult(image.manifest(), image.config().digest(), image.tags(), pushed);
        try {
            if (ctx.request.iidFile() != null) {
                Files.writeString(ctx.request.iidFile(), image.config().digest().toString());
            }
            if (ctx.request.metadataFile() != null) {
                Files.write(ctx.request.metadataFile(), metadata(image, names));
            }
        } catch (IOException e) {
            throw new BuildException("write build metadata: " + e, e);
        }
        return result;
    }

    private List<String> imageNames(BuildOutput output, Builder.StoredImage image) throws BuildException, StoreException {
        List<String> out = new ArrayList<>();
        if (output.attribute("name") != null) {
            for (String n : splitNames(output.attribute("name"))) {
                String normalized = Builder.normalize(n);
                ctx.store.tag(normalized, image.manifest());
                out.add(normalized);
            }
        }
        return out;
    }

    private static List<String> splitNames(String names) {
        List<String> out = new ArrayList<>();
        for (String n : names.split(",")) {
            if (!n.isBlank()) {
                out.add(n.strip());
            }
        }
        return out;
    }

    private List<String> push(Builder.StoredImage image, List<String> names) throws BuildException {
        if (ctx.registry() == null) {
            throw new BuildException("push: no registry access");
        }
        if (names.isEmpty()) {
            throw new BuildException("push: the image has no name; give -t NAME");
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            try {
                ImageReference ref = ImageReference.parse(n);
                if (ref.tag() == null) {
                    ref = ref.withTag(ImageReference.DEFAULT_TAG);
                }
                try (BuildProgress.Step step = ctx.progress.start(ctx.nextStep(), "pushing " + ref)) {
                    try {
                        new Pusher(ctx.registry(), ctx.store, PUSH_PARALLELISM, TransferListener.NONE)
                                .push(image.manifest(), ref, null);
                    } catch (RegistryException e) {
                        step.fail(e.getMessage());
                        throw new BuildException("push " + ref + ": " + e.getMessage(), e);
                    }
                }
                out.add(ref.name() + "@" + image.manifest().digest());
            } catch (InvalidValueException e) {
                throw new BuildException("push " + n + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The flattened root file system in {@code dest}. */
    private void local(Builder.StoredImage image, Path dest) throws IOException, StoreException, BuildException {
        StoredImages.applyLayers(ctx.store, StoredImages.load(ctx.store, null, image.manifest(), ctx.platform), dest);
    }

    /** The flattened root file system as one tar, to a file or {@code -} (standard output). */
    private void tar(Builder.StoredImage image, String dest) throws IOException, StoreException, BuildException {
        Path dir = ctx.store.createTempDirectory("tar-output");
        try {
            local(image, dir);
            LayerWriter writer = new LayerWriter(LayerWriter.Options.defaults()
                    .withCompression(LayerWriter.Compression.NONE).withSourceDateEpoch(ctx.request.sourceDateEpoch()));
            if (dest.equals("-")) {
                writer.writeTar(dir, System.out);
                System.out.flush();
            } else {
                try (OutputStream out = Files.newOutputStream(Path.of(dest))) {
                    writer.writeTar(dir, out);
                }
            }
        } finally {
            StepMount.deleteQuietly(dir);
        }
    }

    /**
     * An OCI image layout ({@code type=oci}; {@code tar=false} for a directory) or a {@code docker load}
     * archive ({@code type=docker}), to a file, a directory or {@code -} (standard output).
     */
    private void archive(Builder.StoredImage image, BuildOutput output, List<String> names)
            throws IOException, StoreException, BuildException {
        List<NamedImage> images = new ArrayList<>();
        List<String> archiveNames = output.attribute("name") != null ? splitNames(output.attribute("name")) : names;
        if (archiveNames.isEmpty()) {
            images.add(new NamedImage(null, image.manifest()));
        }
        for (String n : archiveNames) {
            images.add(new NamedImage(Builder.normalize(n), image.manifest()));
        }
        String dest = output.attribute("dest");
        boolean oci = output.type().equals("oci");
        if (dest == null) {
            throw new BuildException("--output type=" + output.type() + " needs dest=FILE (or dest=- for standard output)");
        }
        if (oci && !output.flag("tar", true)) {
            ImageExporter.writeOciLayoutDirectory(ctx.store, images, Path.of(dest));
            return;
        }
        OutputStream out = dest.equals("-") ? System.out : Files.newOutputStream(Path.of(dest));
        try {
            if (oci) {
                ImageExporter.writeOciLayout(ctx.store, images, out);
            } else {
                ImageExporter.writeDockerArchive(ctx.store, images, out);
            }
        } finally {
            if (dest.equals("-")) {
                out.flush();
            } else {
                out.close();
            }
        }
    }

    /** BuildKit's {@code --metadata-file} keys. */
    private byte[] metadata(Builder.StoredImage image, List<String> names) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("containerimage.config.digest", image.config().digest().toString());
        root.put("containerimage.digest", image.manifest().digest().toString());
        ObjectNode descriptor = root.putObject("containerimage.descriptor");
        descriptor.put("mediaType", image.manifest().mediaType());
        descriptor.put("digest", image.manifest().digest().toString());
        descriptor.put("size", image.manifest().size());
        if (!names.isEmpty()) {
            root.put("image.name", String.join(",", names));
        }
        return (root.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
