package io.jbuild.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.InvalidValueException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The image a {@code jbuild:build} made, as written for later pipeline steps:
 * {@code target/jbuild-image.digest} holds the manifest digest alone and
 * {@code target/jbuild-image.json} all of this, for example
 * <pre>{"digest":"sha256:..","configDigest":"sha256:..","mediaType":"..","size":527,
 *  "tags":["registry.example.com/app:1.0"],"pushed":["registry.example.com/app:1.0@sha256:.."]}</pre>
 *
 * @param digest the manifest digest (the image digest a registry reports)
 * @param configDigest the config digest (Docker's image id)
 * @param mediaType the manifest's media type
 * @param size the manifest's size in bytes
 * @param tags the tags the image was stored under, as given
 * @param pushed the references {@code jbuild:push} pushed, {@code name:tag@digest}
 */
record BuiltImage(Digest digest, Digest configDigest, String mediaType, long size, List<String> tags,
                  List<String> pushed) {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    BuiltImage {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(configDigest, "configDigest");
        Objects.requireNonNull(mediaType, "mediaType");
        tags = List.copyOf(tags);
        pushed = List.copyOf(pushed);
    }

    /** This image with {@code reference} added to {@link #pushed} (once). */
    BuiltImage withPushed(String reference) {
        if (pushed.contains(reference)) {
            return this;
        }
        List<String> all = new ArrayList<>(pushed);
        all.add(reference);
        return new BuiltImage(digest, configDigest, mediaType, size, tags, all);
    }

    /** The JSON document of {@code jbuild-image.json}. */
    byte[] toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("digest", digest.toString());
        root.put("configDigest", configDigest.toString());
        root.put("mediaType", mediaType);
        root.put("size", size);
        ArrayNode tagArray = root.putArray("tags");
        tags.forEach(tagArray::add);
        ArrayNode pushedArray = root.putArray("pushed");
        pushed.forEach(pushedArray::add);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("serialise image metadata: " + e.getMessage(), e);
        }
    }

    /** Writes the digest file (no newline, as {@code docker build --iidfile}) and the JSON file, each atomically. */
    void write(Path digestFile, Path jsonFile) throws IOException {
        if (digestFile != null) {
            writeAtomically(digestFile, digest.toString().getBytes(StandardCharsets.UTF_8));
        }
        if (jsonFile != null) {
            writeAtomically(jsonFile, toJson());
        }
    }

    /** Reads a {@code jbuild-image.json}. */
    static BuiltImage read(Path jsonFile) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(jsonFile));
        } catch (IOException e) {
            throw new IOException("read image metadata " + jsonFile + ": " + e.getMessage(), e);
        }
        try {
            if (root == null || !root.isObject() || !root.path("digest").isTextual()
                    || !root.path("configDigest").isTextual()) {
                throw new IOException("read image metadata " + jsonFile + ": digest or configDigest is missing");
            }
            return new BuiltImage(Digest.parse(root.get("digest").asText()),
                    Digest.parse(root.get("configDigest").asText()), root.path("mediaType").asText(""),
                    root.path("size").asLong(), strings(root.path("tags")), strings(root.path("pushed")));
        } catch (InvalidValueException e) {
            throw new IOException("read image metadata " + jsonFile + ": " + e.getMessage(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode element : array) {
            values.add(element.asText());
        }
        return values;
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
        try {
            Files.write(temp, bytes);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
