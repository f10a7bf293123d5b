package io.jbuild.layerstore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image manifest: OCI ({@link MediaType#OCI_MANIFEST}) or Docker image manifest v2 schema 2
 * ({@link MediaType#DOCKER_MANIFEST}); both share this shape. The constructor accepts an empty
 * layer list (Docker writes those for {@code FROM scratch} images); {@link DocumentValidator}
 * applies the schema's "at least one layer" rule.
 */
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "config", "layers", "subject", "annotations"})
public record Manifest(
        @JsonProperty(value = "schemaVersion", required = true) int schemaVersion,
        String mediaType,
        String artifactType,
        @JsonProperty(value = "config", required = true) Descriptor config,
        @JsonProperty(value = "layers", required = true) @JsonInclude(JsonInclude.Include.ALWAYS) List<Descriptor> layers,
        Descriptor subject,
        Map<String, String> annotations) {

    public Manifest {
        if (schemaVersion != 2) {
            throw new IllegalArgumentException("manifest schemaVersion is " + schemaVersion + ", expected 2");
        }
        MediaType.optional("manifest mediaType", mediaType);
        MediaType.optional("manifest artifactType", artifactType);
        if (config == null) {
            throw new IllegalArgumentException("manifest config is missing");
        }
        if (layers == null) {
            throw new IllegalArgumentException("manifest layers are missing");
        }
        layers = List.copyOf(layers);
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    /** An OCI image manifest. */
    public static Manifest of(Descriptor config, List<Descriptor> layers) {
        return new Manifest(2, MediaType.OCI_MANIFEST, null, config, layers, null, null);
    }

    public boolean isDocker() {
        return MediaType.DOCKER_MANIFEST.equals(mediaType);
    }
}
