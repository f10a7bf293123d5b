package io.jbuild.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.MediaType;

import java.io.IOException;

/** Shared bits of the manifest endpoints. */
final class Manifests {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Everything we understand, OCI and Docker schema 2, manifests and indexes. */
    static final String ACCEPT = String.join(", ", MediaType.OCI_MANIFEST, MediaType.OCI_INDEX,
            MediaType.DOCKER_MANIFEST, MediaType.DOCKER_MANIFEST_LIST);

    private Manifests() {
    }

    static String reference(ImageReference ref) {
        return ref.digest() != null ? ref.digest().toString() : ref.tag();
    }

    static String path(ImageReference ref) {
        return "/v2/" + ref.repository() + "/manifests/" + reference(ref);
    }

    /** {@code registry/repository:tag} or {@code registry/repository@digest}, for messages. */
    static String describe(ImageReference ref) {
        return ref.name() + (ref.digest() != null ? "@" + ref.digest() : ":" + ref.tag());
    }

    /** The {@code mediaType} field of a JSON document, or null. */
    static String mediaTypeField(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            JsonNode mt = node == null ? null : node.get("mediaType");
            return mt == null || !mt.isTextual() ? null : mt.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /** The media type of a document without a Content-Type: guessed from its shape. */
    static String guessMediaType(byte[] bytes) {
        String field = mediaTypeField(bytes);
        if (field != null) {
            return field;
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            return node != null && node.has("manifests") ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
        } catch (IOException e) {
            return MediaType.OCI_MANIFEST;
        }
    }

    static Digest digestOf(String algorithm, byte[] bytes) {
        return Digest.of(algorithm, bytes);
    }
}
