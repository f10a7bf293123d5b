package io.jbuild.registry.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The worked example in conformance/cosign/example (see its FORMAT.md §7). */
final class CosignExample {
    private CosignExample() {
    }

    static Path dir() {
        String prop = System.getProperty("jbuild.conformance");
        Path root = prop != null && !prop.isEmpty() ? Path.of(prop)
                : Path.of("").toAbsolutePath().getParent().resolve("../shared/conformance").normalize();
        return root.resolve("cosign/example");
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode facts() {
        try {
            return new ObjectMapper().readTree(bytes("facts.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fact(String name) {
        return facts().get(name).asText();
    }
}
