package io.jbuild.registry.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.InvalidDocumentException;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.Manifest;
import io.jbuild.layerstore.MediaType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The image cosign stores under the tag {@code sha256-<hex>.sig}: an "empty image" with one
 * layer per signature. {@link #configBytes()} and {@link #manifestBytes()} serialise exactly as
 * go-containerregistry does for cosign (compact, Go struct field order), so a signature we
 * write has the same digests as one cosign writes. {@code created} and {@code historyCreated}
 * are the config's timestamps (Go's zero time unless cosign ran with
 * {@code --record-creation-timestamp}); there is one history entry per layer.
 */
public record SignatureImage(List<SignatureLayer> layers, String created, List<String> historyCreated,
                             boolean dockerMediaTypes) {
    /** Go's zero {@code time.Time} as JSON. */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    /** cosign's reader limit. */
    public static final int MAX_LAYERS = 1000;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    public SignatureImage {
        layers = List.copyOf(layers);
        historyCreated = List.copyOf(historyCreated);
        if (created == null) {
            throw new IllegalArgumentException("signature image created time is missing");
        }
        if (historyCreated.size() != layers.size()) {
            throw new IllegalArgumentException("signature image has " + layers.size() + " layers but "
                    + historyCreated.size() + " history entries");
        }
    }

    /** The signature tag of the image with manifest digest {@code digest}: {@code sha256-<hex>.sig}. */
    public static String tag(Digest digest) {
        return digest.algorithm() + "-" + digest.encoded() + ".sig";
    }

    /** An image without signatures (OCI media types), to append the first layer to. */
    public static SignatureImage empty() {
        return new SignatureImage(List.of(), ZERO_TIME, List.of(), false);
    }

    /** This image with {@code layer} appended (and a zero-time history entry). */
    public SignatureImage append(SignatureLayer layer) {
        List<SignatureLayer> newLayers = new ArrayList<>(layers);
        newLayers.add(layer);
        List<String> newHistory = new ArrayList<>(historyCreated);
        newHistory.add(ZERO_TIME);
        return new SignatureImage(newLayers, created, newHistory, dockerMediaTypes);
    }

    /**
     * Reads a stored signature image from its manifest and config bytes; {@code config} may be
     * null (unreadable), then the timestamps become Go's zero time.
     */
    public static SignatureImage parse(byte[] manifestBytes, byte[] config) throws SignatureException {
        Manifest manifest = parseManifest(manifestBytes);
        List<SignatureLayer> layers = new ArrayList<>();
        for (Descriptor d : manifest.layers()) {
            layers.add(SignatureLayer.from(d));
        }
        String created = ZERO_TIME;
        List<String> history = new ArrayList<>();
        if (config != null) {
            try {
                JsonNode root = MAPPER.readTree(config);
                if (root != null && root.path("created").isTextual()) {
                    created = root.path("created").textValue();
                }
                for (JsonNode entry : root == null ? MAPPER.createArrayNode() : root.path("history")) {
                    history.add(entry.path("created").isTextual() ? entry.path("created").textValue() : ZERO_TIME);
                }
            } catch (IOException e) {
                throw new SignatureException("parse signature image config: " + e.getMessage(), e);
            }
        }
        while (history.size() < layers.size()) {
            history.add(ZERO_TIME);
        }
        return new SignatureImage(layers, created, history.subList(0, layers.size()), manifest.isDocker());
    }

    /** Parses a signature manifest (OCI or Docker), refusing more than {@value #MAX_LAYERS} layers. */
    public static Manifest parseManifest(byte[] manifestBytes) throws SignatureException {
        Manifest manifest;
        try {
            manifest = Json.read(manifestBytes, Manifest.class);
        } catch (InvalidDocumentException e) {
            throw new SignatureException("parse signature manifest: " + e.getMessage(), e);
        }
        if (manifest.mediaType() != null && !MediaType.isManifest(manifest.mediaType())) {
            throw new SignatureException("parse signature manifest: media type " + manifest.mediaType()
                    + " is not an image manifest");
        }
        if (manifest.layers().size() > MAX_LAYERS) {
            throw new SignatureException("parse signature manifest: " + manifest.layers().size()
                    + " layers exceed the limit of " + MAX_LAYERS);
        }
        return manifest;
    }

    public String manifestMediaType() {
        return dockerMediaTypes ? MediaType.DOCKER_MANIFEST : MediaType.OCI_MANIFEST;
    }

    public String configMediaType() {
        return dockerMediaTypes ? MediaType.DOCKER_CONFIG : MediaType.OCI_CONFIG;
    }

    /** The config blob as go-containerregistry writes it. */
    public byte[] configBytes() {
        StringBuilder out = new StringBuilder(160 + 100 * layers.size());
        out.append("{\"architecture\":\"\",\"created\":");
        GoJson.appendString(out, created);
        if (!layers.isEmpty()) {
            out.append(",\"history\":[");
            for (int i = 0; i < historyCreated.size(); i++) {
                out.append(i == 0 ? "" : ",").append("{\"created\":");
                GoJson.appendString(out, historyCreated.get(i)).append('}');
            }
            out.append(']');
        }
        out.append(",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":");
        if (layers.isEmpty()) {
            out.append("null");
        } else {
            out.append('[');
            for (int i = 0; i < layers.size(); i++) {
                out.append(i == 0 ? "" : ",");
                GoJson.appendString(out, layers.get(i).digest().toString());
            }
            out.append(']');
        }
        out.append("},\"config\":{}}");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    public Descriptor configDescriptor() {
        return Descriptor.of(configMediaType(), configBytes());
    }

    /** The manifest as go-containerregistry writes it (the bytes PUT under {@link #tag}). */
    public byte[] manifestBytes() {
        StringBuilder out = new StringBuilder(300 + 250 * layers.size());
        out.append("{\"schemaVersion\":2,\"mediaType\":");
        GoJson.appendString(out, manifestMediaType());
        out.append(",\"config\":");
        appendDescriptor(out, configMediaType(), configDescriptor().size(), configDescriptor().digest(), Map.of());
        out.append(",\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            SignatureLayer layer = layers.get(i);
            out.append(i == 0 ? "" : ",");
            appendDescriptor(out, layer.mediaType(), layer.size(), layer.digest(), layer.annotations());
        }
        out.append("]}");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    public Digest manifestDigest() {
        return Digest.of(manifestBytes());
    }

    private static void appendDescriptor(StringBuilder out, String mediaType, long size, Digest digest,
                                         Map<String, String> annotations) {
        out.append("{\"mediaType\":");
        GoJson.appendString(out, mediaType);
        out.append(",\"size\":").append(size).append(",\"digest\":");
        GoJson.appendString(out, digest.toString());
        if (!annotations.isEmpty()) {
            out.append(",\"annotations\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : annotations.entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                GoJson.appendString(out, e.getKey()).append(':');
                GoJson.appendString(out, e.getValue());
            }
            out.append('}');
        }
        out.append('}');
    }
}
