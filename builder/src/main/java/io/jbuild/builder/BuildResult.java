package io.jbuild.builder;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import java.util.List;
import java.util.Objects;

/**
 * What a build produced.
 *
 * @param manifest the image manifest's descriptor (its digest is the image digest)
 * @param configDigest the config's digest (Docker's image id)
 * @param tags the store tags (normalised names) the image was stored under
 * @param pushed the references pushed, with digest
 */
public record BuildResult(Descriptor manifest, Digest configDigest, List<String> tags, List<String> pushed) {
    public BuildResult {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(configDigest, "configDigest");
        tags = List.copyOf(tags);
        pushed = List.copyOf(pushed);
    }
}
