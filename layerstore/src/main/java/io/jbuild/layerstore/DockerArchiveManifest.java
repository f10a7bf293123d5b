package io.jbuild.layerstore;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * One entry of a docker archive's {@code manifest.json} (the format of {@code docker save}): the
 * archive paths of the image's config and of its uncompressed layer tars, bottom first, and its
 * names in Docker's short form ({@code busybox:latest}).
 */
@JsonPropertyOrder({"Config", "RepoTags", "Layers"})
record DockerArchiveManifest(
        @JsonProperty(value = "Config", required = true) String config,
        @JsonProperty("RepoTags") List<String> repoTags,
        @JsonProperty(value = "Layers", required = true) List<String> layers) {

    DockerArchiveManifest {
        if (config == null || config.isEmpty()) {
            throw new IllegalArgumentException("docker archive manifest entry has no Config");
        }
        repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
        layers = layers == null ? List.of() : List.copyOf(layers);
    }
}
