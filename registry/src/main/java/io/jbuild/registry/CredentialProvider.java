package io.jbuild.registry;

import java.util.Optional;

/** Finds the credentials for a registry host (for example {@code ghcr.io}, {@code docker.io}, {@code 127.0.0.1:5000}). */
@FunctionalInterface
public interface CredentialProvider {
    Optional<Credentials> find(String registry) throws RegistryException;

    /** Anonymous access everywhere. */
    static CredentialProvider anonymous() {
        return registry -> Optional.empty();
    }

    /** The same credentials for every registry (tests, {@code --username/--password}). */
    static CredentialProvider of(String registry, Credentials credentials) {
        return host -> host.equals(registry) ? Optional.of(credentials) : Optional.empty();
    }
}
