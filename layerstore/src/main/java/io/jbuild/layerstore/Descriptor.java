package io.jbuild.layerstore;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OCI content descriptor. {@code data} holds the embedded content in standard base64 with
 * padding, exactly as it appears in JSON (see {@link #decodedData()}).
 */
@JsonPropertyOrder({"mediaType", "artifactType", "digest", "size", "urls", "annotations", "data", "platform"})
public record Descriptor(
        @JsonProperty(value = "mediaType", required = true) String mediaType,
        @JsonProperty(value = "digest", required = true) Digest digest,
        @JsonProperty(value = "size", required = true) long size,
        List<String> urls,
        Map<String, String> annotations,
        Platform platform,
        String artifactType,
        String data) {

    public Descriptor {
        MediaType.require("descriptor mediaType", mediaType);
        if (digest == null) {
            throw new IllegalArgumentException("descriptor digest is missing");
        }
        if (size < 0) {
            throw new IllegalArgumentException("descriptor size " + size + " is negative");
        }
        urls = urls == null ? List.of() : List.copyOf(urls);
        for (String url : urls) {
            checkUrl(url);
        }
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
        MediaType.optional("descriptor artifactType", artifactType);
        if (data != null) {
            try {
                Base64.getDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("descriptor data is not padded standard base64: " + e.getMessage());
            }
            if (data.length() % 4 != 0) {
                throw new IllegalArgumentException("descriptor data is not padded standard base64");
            }
        }
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null, null);
    }

    /** The descriptor of the given bytes (sha256). */
    public static Descriptor of(String mediaType, byte[] bytes) {
        return of(mediaType, Digest.of(bytes), bytes.length);
    }

    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, urls, newAnnotations, platform, artifactType, data);
    }

    public Descriptor withPlatform(Platform newPlatform) {
        return new Descriptor(mediaType, digest, size, urls, annotations, newPlatform, artifactType, data);
    }

    public Descriptor withMediaType(String newMediaType) {
        return new Descriptor(newMediaType, digest, size, urls, annotations, platform, artifactType, data);
    }

    /** The embedded data, or null when there is none. */
    public byte[] decodedData() {
        return data == null ? null : Base64.getDecoder().decode(data);
    }

    private static void checkUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null) {
                throw new IllegalArgumentException("descriptor url \"" + url + "\" has no scheme");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("descriptor url \"" + url + "\" is not a URI: " + e.getReason());
        }
    }
}
