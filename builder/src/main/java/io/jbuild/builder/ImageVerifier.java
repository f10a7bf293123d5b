package io.jbuild.builder;

import io.jbuild.layerstore.ImageReference;

/**
 * Checks a registry image before a build uses it as a base or COPY --from source (for example
 * against a cosign verify policy). Returns the reference to pull: pinned to the verified digest, or
 * {@code ref} unchanged when no rule covers it; throws to refuse the image.
 */
@FunctionalInterface
public interface ImageVerifier {
    ImageReference verify(ImageReference ref) throws Exception;
}
