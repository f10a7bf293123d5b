package io.jbuild.maven;

import io.jbuild.registry.CredentialProvider;
import io.jbuild.registry.Credentials;
import io.jbuild.registry.RegistryException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Registry credentials from Maven's {@code settings.xml}: the {@code <server>} whose {@code <id>} is
 * the registry host ({@code ghcr.io}, {@code 127.0.0.1:5000}; for Docker Hub also {@code index.docker.io},
 * {@code registry-1.docker.io} or {@code https://index.docker.io/v1/}), its password decrypted
 * as Maven does ({@code mvn --encrypt-password}, {@code settings-security.xml}). A registry without
 * such a server is looked up in {@code fallback} (the Docker and podman credential files).
 */
final class SettingsCredentials implements CredentialProvider {
    private static final Set<String> DOCKER_HUB_IDS = Set.of("docker.io", "index.docker.io", "registry-1.docker.io",
            "https://index.docker.io/v1/", "https://index.docker.io/v1");

    private final List<Server> servers;
    private final SettingsDecrypter decrypter;
    private final CredentialProvider fallback;

    /** {@code decrypter} may be null: passwords are then taken as written. */
    SettingsCredentials(Settings settings, SettingsDecrypter decrypter, CredentialProvider fallback) {
        this.servers = settings == null ? List.of() : List.copyOf(settings.getServers());
        this.decrypter = decrypter;
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    @Override
    public Optional<Credentials> find(String registry) throws RegistryException {
        Optional<Server> server = server(registry);
        if (server.isEmpty()) {
            return fallback.find(registry);
        }
        Server decrypted = decrypt(server.get());
        String username = emptyToNull(decrypted.getUsername());
        String password = decrypted.getPassword();
        if (username == null) {
            // a server with only a password holds a registry token, as `docker login` with a token does
            return password == null || password.isEmpty() ? fallback.find(registry)
                    : Optional.of(new Credentials(null, null, null, password));
        }
        return Optional.of(Credentials.of(username, password));
    }

    /** The {@code <server>} for a registry host, if settings.xml has one. */
    Optional<Server> server(String registry) {
        for (Server server : servers) {
            if (registry.equals(server.getId())) {
                return Optional.of(server);
            }
        }
        if (DOCKER_HUB_IDS.contains(registry)) {
            for (Server server : servers) {
                if (server.getId() != null && DOCKER_HUB_IDS.contains(server.getId())) {
                    return Optional.of(server);
                }
            }
        }
        return Optional.empty();
    }

    private Server decrypt(Server server) throws RegistryException {
        if (decrypter == null) {
            return server;
        }
        SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
        List<SettingsProblem> errors = result.getProblems().stream()
                .filter(p -> p.getSeverity() != SettingsProblem.Severity.WARNING)
                .collect(Collectors.toList());
        if (!errors.isEmpty()) {
            throw new RegistryException("decrypt the password of settings.xml server " + server.getId() + ": "
                    + errors.stream().map(SettingsProblem::getMessage).collect(Collectors.joining("; ")));
        }
        return result.getServer() != null ? result.getServer() : server;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
