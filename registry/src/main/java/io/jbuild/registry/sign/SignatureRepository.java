package io.jbuild.registry.sign;

import io.jbuild.layerstore.Digest;
import io.jbuild.registry.RegistryException;

import java.util.Optional;

/**
 * The registry access signing and verification need, for one repository (the image's, or the
 * one {@code COSIGN_REPOSITORY} names). A registry client implements it with GET/PUT of
 * manifests by tag and blobs by digest; tests use an in-memory map.
 */
public interface SignatureRepository {
    /**
     * The manifest stored under {@code tag}, or empty when the tag does not exist. An
     * implementation must accept OCI and Docker image manifests ({@code Accept} both).
     */
    Optional<byte[]> getManifest(String tag) throws RegistryException;

    /** The blob with {@code digest}; implementations should verify the digest of what they return. */
    byte[] getBlob(Digest digest) throws RegistryException;

    /** Stores a blob (an existing blob with that digest counts as success). */
    void putBlob(Digest digest, byte[] content) throws RegistryException;

    /** Stores {@code manifest} under {@code tag} with the given {@code Content-Type}, replacing the old one. */
    void putManifest(String tag, String mediaType, byte[] manifest) throws RegistryException;
}
