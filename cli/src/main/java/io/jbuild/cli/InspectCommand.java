package io.jbuild.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.StoredImages;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jbuild inspect REF...}: a JSON array like {@code docker inspect}'s, or the image's raw
 * manifest or config, byte for byte.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show images: a JSON array as docker inspect prints (default), or the raw manifest or config.")
final class InspectCommand implements Callable<Integer> {
    enum Format {
        json, manifest, config
    }

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Option(names = {"-f", "--format"}, paramLabel = "json|manifest|config", defaultValue = "json",
            description = "json (default): docker-style summary; manifest or config: the exact stored bytes.")
    Format format;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Names, IDs or digests.")
    List<String> refs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BlobStore blobs = store.open(main.environment());
        ArrayNode array = DockerJson.MAPPER.createArrayNode();
        for (String ref : refs) {
            StoredImages.Image image = StoreImages.find(blobs, ref);
            switch (format) {
                case manifest -> out.print(new String(blobs.readAll(image.descriptor().digest()), StandardCharsets.UTF_8));
                case config -> out.print(new String(image.config().bytes(), StandardCharsets.UTF_8));
                default -> array.add(summary(blobs, ref, image));
            }
        }
        if (format == Format.json) {
            out.println(DockerJson.pretty(array));
        }
        out.flush();
        return 0;
    }

    static ObjectNode summary(BlobStore blobs, String ref, StoredImages.Image image) throws Exception {
        Descriptor top = StoreImages.resolve(blobs, ref);
        Set<String> repoTags = new LinkedHashSet<>();
        Set<String> repoDigests = new LinkedHashSet<>();
        for (String tag : StoreImages.tagsOf(blobs, top, image.descriptor())) {
            StoreImages.Name name = StoreImages.Name.of(tag);
            if (name.tag() != null) {
                repoTags.add(name.familiar());
            }
            Digest digest = blobs.resolve(tag).map(Descriptor::digest).orElse(top.digest());
            repoDigests.add(name.repository() + "@" + digest);
        }
        ImageConfig config = image.config().value();
        JsonNode raw = DockerJson.MAPPER.readTree(image.config().bytes());
        ObjectNode o = DockerJson.MAPPER.createObjectNode();
        o.put("Id", image.manifest().config().digest().toString());
        ArrayNode tags = o.putArray("RepoTags");
        repoTags.forEach(tags::add);
        ArrayNode digests = o.putArray("RepoDigests");
        repoDigests.forEach(digests::add);
        o.put("Created", config.created() == null ? "" : config.created());
        o.put("Author", config.author() == null ? "" : config.author());
        o.put("Architecture", config.architecture());
        if (config.variant() != null) {
            o.put("Variant", config.variant());
        }
        o.put("Os", config.os());
        if (config.osVersion() != null) {
            o.put("OsVersion", config.osVersion());
        }
        o.set("Config", raw.path("config").isObject() ? raw.get("config") : DockerJson.MAPPER.createObjectNode());
        ObjectNode rootfs = o.putObject("RootFS");
        rootfs.put("Type", "layers");
        ArrayNode layers = rootfs.putArray("Layers");
        image.diffIds().forEach(d -> layers.add(d.toString()));
        o.put("Size", image.manifest().layers().stream().mapToLong(Descriptor::size).sum());
        ObjectNode descriptor = o.putObject("Descriptor");
        descriptor.put("mediaType", image.descriptor().mediaType());
        descriptor.put("digest", image.descriptor().digest().toString());
        descriptor.put("size", image.descriptor().size());
        return o;
    }
}
