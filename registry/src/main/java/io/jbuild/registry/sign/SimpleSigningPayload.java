package io.jbuild.registry.sign;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The containers/image "simple signing" payload that cosign signs
 * (media type {@link #MEDIA_TYPE}):
 * <pre>{"critical":{"identity":{"docker-reference":R},"image":{"docker-manifest-digest":D},
 * "type":"cosign container image signature"},"optional":null or {annotations}}</pre>
 * {@link #toBytes()} reproduces cosign's bytes exactly (compact, fixed key order, annotation keys
 * sorted, Go's string escaping). {@code annotations} is null when the payload's {@code optional}
 * is {@code null} (cosign writes that when no {@code -a} annotations are given); when parsing,
 * non-string values in {@code optional} (containers/image writes a numeric {@code timestamp})
 * are kept as their JSON text.
 */
public record SimpleSigningPayload(String dockerReference, Digest manifestDigest, Map<String, String> annotations) {
    public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String TYPE = "cosign container image signature";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public SimpleSigningPayload {
        if (dockerReference == null) {
            throw new IllegalArgumentException("payload docker-reference is missing");
        }
        if (manifestDigest == null) {
            throw new IllegalArgumentException("payload docker-manifest-digest is missing");
        }
        if (annotations != null) {
            for (Map.Entry<String, String> e : annotations.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("payload annotation " + e.getKey() + " has no value");
                }
            }
            annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
        }
    }

    /**
     * The payload cosign signs for {@code image} (its repository, tag and digest dropped) at
     * {@code manifestDigest}; {@code annotations} null or empty gives {@code "optional":null}.
     */
    public static SimpleSigningPayload of(ImageReference image, Digest manifestDigest, Map<String, String> annotations) {
        return new SimpleSigningPayload(dockerReference(image), manifestDigest,
                annotations == null || annotations.isEmpty() ? null : annotations);
    }

    /**
     * The repository as go-containerregistry prints it: {@code registry/repository}, with Docker
     * Hub spelled {@code index.docker.io} ({@code ubuntu} → {@code index.docker.io/library/ubuntu}).
     */
    public static String dockerReference(ImageReference image) {
        String registry = ImageReference.DOCKER_HUB.equals(image.registry()) ? "index.docker.io" : image.registry();
        return registry + "/" + image.repository();
    }

    /** The exact bytes cosign produces for this payload. */
    public byte[] toBytes() {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"critical\":{\"identity\":{\"docker-reference\":");
        GoJson.appendString(out, dockerReference);
        out.append("},\"image\":{\"docker-manifest-digest\":");
        GoJson.appendString(out, manifestDigest.toString());
        out.append("},\"type\":");
        GoJson.appendString(out, TYPE);
        out.append("},\"optional\":");
        if (annotations == null) {
            out.append("null");
        } else {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> e : annotations.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                GoJson.appendString(out, e.getKey()).append(':');
                GoJson.appendString(out, e.getValue());
            }
            out.append('}');
        }
        return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a payload as a verifier must (any key order or spacing, unknown fields ignored);
     * rejects a {@code critical.type} other than {@link #TYPE}.
     */
    public static SimpleSigningPayload parse(byte[] bytes) throws SignatureException {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new SignatureException("parse signature payload: not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SignatureException("parse signature payload: not a JSON object");
        }
        JsonNode critical = object(root, "critical");
        String type = string(critical, "critical.type");
        if (!TYPE.equals(type)) {
            throw new SignatureException("parse signature payload: critical.type is \"" + type
                    + "\", expected \"" + TYPE + "\"");
        }
        String reference = string(object(critical, "critical.identity"), "critical.identity.docker-reference");
        String digestText = string(object(critical, "critical.image"), "critical.image.docker-manifest-digest");
        Digest digest;
        try {
            digest = Digest.fromString(digestText);
        } catch (IllegalArgumentException e) {
            throw new SignatureException("parse signature payload: critical.image.docker-manifest-digest: "
                    + e.getMessage(), e);
        }
        JsonNode optional = root.get("optional");
        Map<String, String> annotations = null;
        if (optional != null && !optional.isNull()) {
            if (!optional.isObject()) {
                throw new SignatureException("parse signature payload: optional is not an object");
            }
            annotations = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = optional.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                annotations.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        }
        return new SimpleSigningPayload(reference, digest, annotations);
    }

    private static JsonNode object(JsonNode parent, String path) throws SignatureException {
        String name = path.substring(path.lastIndexOf('.') + 1);
        JsonNode node = parent.get(name);
        if (node == null || !node.isObject()) {
            throw new SignatureException("parse signature payload: " + path + " is missing or not an object");
        }
        return node;
    }

    private static String string(JsonNode parent, String path) throws SignatureException {
        String name = path.substring(path.lastIndexOf('.') + 1);
        JsonNode node = parent.get(name);
        if (node == null || !node.isTextual()) {
            throw new SignatureException("parse signature payload: " + path + " is missing or not a string");
        }
        return node.textValue();
    }
}
