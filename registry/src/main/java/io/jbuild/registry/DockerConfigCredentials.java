package io.jbuild.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials the way Docker and podman keep them: {@code $REGISTRY_AUTH_FILE},
 * {@code $XDG_RUNTIME_DIR/containers/auth.json}, then {@code $DOCKER_CONFIG/config.json} or
 * {@code ~/.docker/config.json}. Within a file: {@code credHelpers[registry]}, then {@code auths}
 * ({@code auth} = base64 user:password, {@code username}/{@code password}, {@code identitytoken},
 * {@code registrytoken}), then {@code credsStore}. Docker Hub is stored under
 * {@code https://index.docker.io/v1/}.
 */
public final class DockerConfigCredentials implements CredentialProvider {
    static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<Path> files;
    private final Map<String, String> env;

    DockerConfigCredentials(List<Path> files, Map<String, String> env) {
        this.files = List.copyOf(files);
        this.env = Map.copyOf(env);
    }

    /** Uses the process environment and home directory. */
    public static DockerConfigCredentials fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Uses the given environment ({@code REGISTRY_AUTH_FILE}, {@code XDG_RUNTIME_DIR}, {@code DOCKER_CONFIG}, {@code PATH}). */
    public static DockerConfigCredentials fromEnvironment(Map<String, String> env, Path home) {
        List<Path> files = new ArrayList<>();
        if (env.get("REGISTRY_AUTH_FILE") != null) {
            files.add(Path.of(env.get("REGISTRY_AUTH_FILE")));
        }
        if (env.get("XDG_RUNTIME_DIR") != null) {
            files.add(Path.of(env.get("XDG_RUNTIME_DIR"), "containers", "auth.json"));
        }
        if (env.get("DOCKER_CONFIG") != null) {
            files.add(Path.of(env.get("DOCKER_CONFIG"), "config.json"));
        } else {
            files.add(home.resolve(".docker").resolve("config.json"));
        }
        return new DockerConfigCredentials(files, env);
    }

    List<Path> files() {
        return files;
    }

    @Override
    public Optional<Credentials> find(String registry) throws RegistryException {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode config;
            try {
                config = MAPPER.readTree(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new RegistryException("read credentials from " + file + ": " + e.getMessage(), e);
            }
            Optional<Credentials> found = find(file, config, registry);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private Optional<Credentials> find(Path file, JsonNode config, String registry) throws RegistryException {
        String helper = config.path("credHelpers").path(registry).asText("");
        if (helper.isEmpty() && registry.equals("docker.io")) {
            helper = config.path("credHelpers").path("index.docker.io").asText("");
        }
        if (!helper.isEmpty()) {
            return new CredentialHelper(helper, env).get(serverUrl(registry));
        }
        JsonNode auths = config.path("auths");
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!normalise(entry.getKey()).equals(registry)) {
                continue;
            }
            Optional<Credentials> c = fromEntry(file, entry.getKey(), entry.getValue());
            if (c.isPresent()) {
                return c;
            }
        }
        String store = config.path("credsStore").asText("");
        if (!store.isEmpty()) {
            return new CredentialHelper(store, env).get(serverUrl(registry));
        }
        return Optional.empty();
    }

    private static Optional<Credentials> fromEntry(Path file, String key, JsonNode entry) throws RegistryException {
        String user = entry.path("username").asText("");
        String password = entry.path("password").asText("");
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new RegistryException("read credentials for " + key + " from " + file
                        + ": \"auth\" is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new RegistryException("read credentials for " + key + " from " + file
                        + ": \"auth\" does not hold user:password");
            }
            user = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        String identity = entry.path("identitytoken").asText("");
        String registryToken = entry.path("registrytoken").asText("");
        if (!identity.isEmpty()) {
            return Optional.of(new Credentials(user.isEmpty() ? null : user, null, identity, null));
        }
        if (!registryToken.isEmpty()) {
            return Optional.of(new Credentials(null, null, null, registryToken));
        }
        if (!user.isEmpty()) {
            return Optional.of(Credentials.of(user, password));
        }
        return Optional.empty();
    }

    /** The key Docker uses for a registry in {@code auths} and for credential helpers. */
    static String serverUrl(String registry) {
        return registry.equals("docker.io") ? DOCKER_HUB_KEY : registry;
    }

    /** {@code https://index.docker.io/v1/} → {@code docker.io}; {@code http://h:5000/v2} → {@code h:5000}. */
    static String normalise(String key) {
        String k = key.trim();
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io") || k.equals("docker.io")) {
            return "docker.io";
        }
        return k;
    }
}
