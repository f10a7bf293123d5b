package io.jbuild.layerstore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An OCI image index or a Docker manifest list; also the shape of an OCI layout's {@code index.json}. */
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations"})
public record ImageIndex(
        @JsonProperty(value = "schemaVersion", required = true) int schemaVersion,
        String mediaType,
        String artifactType,
        @JsonProperty(value = "manifests", required = true) @JsonInclude(JsonInclude.Include.ALWAYS) List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations) {

    public ImageIndex {
        if (schemaVersion != 2) {
            throw new IllegalArgumentException("index schemaVersion is " + schemaVersion + ", expected 2");
        }
        MediaType.optional("index mediaType", mediaType);
        MediaType.optional("index artifactType", artifactType);
        if (manifests == null) {
            throw new IllegalArgumentException("index manifests are missing");
        }
        manifests = List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    public static ImageIndex of(List<Descriptor> manifests) {
        return new ImageIndex(2, MediaType.OCI_INDEX, null, manifests, null, null);
    }

    public ImageIndex withManifests(List<Descriptor> newManifests) {
        return new ImageIndex(schemaVersion, mediaType, artifactType, newManifests, subject, annotations);
    }

    /** A copy with {@code descriptor} appended. */
    public ImageIndex plus(Descriptor descriptor) {
        List<Descriptor> list = new ArrayList<>(manifests);
        list.add(descriptor);
        return withManifests(list);
    }
}
