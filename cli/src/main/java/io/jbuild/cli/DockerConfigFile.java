package io.jbuild.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Docker's {@code config.json} ({@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}),
 * edited for {@code login} and {@code logout}: only {@code auths.<registry>} changes, every other
 * entry is kept. Written atomically (temp file in the same directory, mode 0600, fsync, rename).
 */
final class DockerConfigFile {
    /** The key Docker keeps Docker Hub credentials under. */
    static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;

    DockerConfigFile(Path file) {
        this.file = file;
    }

    static DockerConfigFile of(Environment env) {
        String dir = env.get("DOCKER_CONFIG");
        Path base = dir != null ? Path.of(dir) : env.home().resolve(".docker");
        return new DockerConfigFile(base.resolve("config.json"));
    }

    Path file() {
        return file;
    }

    /** {@code https://index.docker.io/v1/}, {@code index.docker.io} → {@code docker.io}; {@code http://h:5000/v2/} → {@code h:5000}. */
    static String registryHost(String text) {
        String k = text.trim();
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        k = k.toLowerCase(Locale.ROOT);
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io") || k.equals("docker.io")) {
            return "docker.io";
        }
        return k;
    }

    static String key(String registry) {
        return registry.equals("docker.io") ? DOCKER_HUB_KEY : registry;
    }

    /** Stores {@code auths.<registry>.auth} = base64(user:password), replacing older entries for the registry. */
    void putAuth(String registry, String username, String password) throws CommandException {
        ObjectNode config = read();
        ObjectNode auths = config.has("auths") && config.get("auths").isObject()
                ? (ObjectNode) config.get("auths") : config.putObject("auths");
        remove(auths, registry);
        auths.putObject(key(registry)).put("auth", Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        write(config);
    }

    /** Removes the registry's {@code auths} entries; returns whether there were any. */
    boolean removeAuth(String registry) throws CommandException {
        if (!Files.exists(file)) {
            return false;
        }
        ObjectNode config = read();
        JsonNode auths = config.get("auths");
        if (auths == null || !auths.isObject() || !remove((ObjectNode) auths, registry)) {
            return false;
        }
        write(config);
        return true;
    }

    private static boolean remove(ObjectNode auths, String registry) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = auths.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (registryHost(k).equals(registry)) {
                keys.add(k);
            }
        }
        auths.remove(keys);
        return !keys.isEmpty();
    }

    private ObjectNode read() throws CommandException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return MAPPER.createObjectNode();
        } catch (IOException e) {
            throw new CommandException("read " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                return MAPPER.createObjectNode();
            }
            if (!node.isObject()) {
                throw new CommandException("read " + file + ": not a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new CommandException("read " + file + ": invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CommandException("read " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(ObjectNode config) throws CommandException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException e) {
                    // a concurrent login made it
                }
            }
            byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(config);
            temp = Files.createTempFile(dir, "config.json.", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}));
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw new CommandException("write " + file + ": " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // left behind; harmless
                }
            }
        }
    }
}
