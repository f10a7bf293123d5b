package io.jbuild.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Docker credential helper {@code docker-credential-NAME get}: the server URL on stdin, a
 * JSON object {@code {"ServerURL","Username","Secret"}} on stdout; {@code Username} {@code <token>}
 * means the secret is an identity token.
 */
final class CredentialHelper {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String name;
    private final Map<String, String> env;

    CredentialHelper(String name, Map<String, String> env) {
        this.name = name;
        this.env = env;
    }

    Optional<Credentials> get(String serverUrl) throws RegistryException {
        String program = "docker-credential-" + name;
        Path executable = findOnPath(program);
        if (executable == null) {
            throw new RegistryException("get credentials for " + serverUrl + ": credential helper " + program
                    + " not found on PATH");
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(executable.toString(), "get");
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process process = pb.start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the helper exited without reading its input; its answer and exit code tell why
            }
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new RegistryException("get credentials for " + serverUrl + ": " + program + " timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                if (text.contains("credentials not found")) {
                    return Optional.empty();
                }
                throw new RegistryException("get credentials for " + serverUrl + ": " + program + " exited with "
                        + process.exitValue() + ": " + text);
            }
            JsonNode json = MAPPER.readTree(text);
            String user = json.path("Username").asText("");
            String secret = json.path("Secret").asText("");
            if (user.equals("<token>")) {
                return Optional.of(new Credentials(null, null, secret, null));
            }
            if (user.isEmpty() && secret.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(Credentials.of(user, secret));
        } catch (IOException e) {
            throw new RegistryException("get credentials for " + serverUrl + ": run " + program + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("get credentials for " + serverUrl + ": interrupted", e);
        }
    }

    private Path findOnPath(String program) {
        String path = env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
