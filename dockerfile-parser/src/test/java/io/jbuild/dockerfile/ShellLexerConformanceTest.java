package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BuildKit's shell lexer vectors (conformance/buildkit-shell, see its README): one case per
 * {@code envVarTest} line for Unix ({@code A} and {@code U}; the two Windows-only {@code W} lines
 * are not generated), per {@code wordsTest} case and per case of {@code lex-inline-vectors.json}.
 */
class ShellLexerConformanceTest {
    private static final ShellLexer LEXER = new ShellLexer('\\');
    private static final Map<String, String> ENV_VAR_TEST_ENV =
            Map.of("PWD", "/home", "SHELL", "bash", "KOREAN", "한국어", "NULL", "");

    static Path corpus() {
        String property = System.getProperty("jbuild.conformance");
        Path root = property != null && !property.isEmpty()
                ? Path.of(property)
                : Path.of("").toAbsolutePath().getParent().resolve("../shared/conformance");
        return root.resolve("buildkit-shell").normalize();
    }

    private static List<String> lines(String file) {
        try {
            String text = new String(Files.readAllBytes(corpus().resolve(file)), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>();
            for (String line : text.split("\n", -1)) {
                lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("read conformance file " + file, e);
        }
    }

    static Stream<Arguments> envVarTest() {
        List<Arguments> cases = new ArrayList<>();
        List<String> lines = lines("envVarTest");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#") || line.strip().isEmpty()) {
                continue;
            }
            String[] fields = line.strip().split("\\|", -1);
            if (fields.length != 3) {
                throw new IllegalStateException("envVarTest:" + (i + 1) + ": expected 3 fields: " + line);
            }
            String platform = fields[0].strip();
            String input = fields[1].strip();
            String expected = fields[2].strip();
            switch (platform) {
                case "A", "U" -> cases.add(Arguments.of(i + 1, platform, input, expected));
                case "W" -> {
                    // Windows only (case-insensitive names): not a case on this platform
                }
                default -> throw new IllegalStateException("envVarTest:" + (i + 1) + ": bad platform " + platform);
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "envVarTest:{0} {1}|{2}|{3}")
    @MethodSource("envVarTest")
    void processWord_envVarTestLine_matchesBuildKit(int line, String platform, String input, String expected)
            throws ShellExpansionException {
        if (expected.equals("error")) {
            assertThrows(ShellExpansionException.class, () -> LEXER.processWord(input, ENV_VAR_TEST_ENV));
        } else {
            assertEquals(expected, LEXER.processWord(input, ENV_VAR_TEST_ENV).result());
        }
    }

    static Stream<Arguments> wordsTest() {
        List<Arguments> cases = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> lines = lines("wordsTest");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#") || (line.isEmpty() && i == lines.size() - 1)) {
                continue;
            }
            if (line.startsWith("ENV ")) {
                String definition = line.substring(3).replaceFirst("^ +", "");
                int eq = definition.indexOf('=');
                if (eq < 0) {
                    throw new IllegalStateException("wordsTest:" + (i + 1) + ": ENV without '=': " + line);
                }
                env.put(definition.substring(0, eq), definition.substring(eq + 1));
                continue;
            }
            String[] parts = line.split("\\|", -1);
            if (parts.length != 2) {
                throw new IllegalStateException("wordsTest:" + (i + 1) + ": expected one '|': " + line);
            }
            String input = parts[0].strip();
            List<String> expected = Arrays.asList(parts[1].replaceFirst("^ +", "").split(",", -1));
            cases.add(Arguments.of(i + 1, input, expected, Map.copyOf(env)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "wordsTest:{0} {1} -> {2}")
    @MethodSource("wordsTest")
    void processWords_wordsTestCase_matchesBuildKit(int line, String input, List<String> expected,
            Map<String, String> env) {
        List<String> actual;
        try {
            actual = LEXER.processWords(input, env);
        } catch (ShellExpansionException e) {
            actual = List.of("error");
        }
        assertEquals(expected, actual);
    }

    private static JsonNode vectors() {
        try {
            return new ObjectMapper().readTree(corpus().resolve("lex-inline-vectors.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("read lex-inline-vectors.json", e);
        }
    }

    static Stream<Arguments> inlineVectors() {
        List<Arguments> cases = new ArrayList<>();
        JsonNode root = vectors();
        for (String table : List.of("process_word_with_matches", "mandatory_vars", "platform_release_name")) {
            JsonNode entries = root.get(table);
            if (entries == null || !entries.isArray() || entries.isEmpty()) {
                throw new IllegalStateException("lex-inline-vectors.json: no table " + table);
            }
            for (int i = 0; i < entries.size(); i++) {
                cases.add(Arguments.of(table, i, entries.get(i).path("input").asText(), entries.get(i)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}[{1}] {2}")
    @MethodSource("inlineVectors")
    void processWord_inlineVector_matchesBuildKit(String table, int index, String input, JsonNode vector)
            throws ShellExpansionException {
        Map<String, String> env = new LinkedHashMap<>();
        vector.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));

        if (vector.path("expect_error").asBoolean(false)) {
            assertThrows(ShellExpansionException.class, () -> LEXER.processWord(input, env));
            return;
        }
        if (vector.has("expect_error_containing")) {
            String part = vector.get("expect_error_containing").asText();
            ShellExpansionException e =
                    assertThrows(ShellExpansionException.class, () -> LEXER.processWord(input, env));
            assertTrue(e.getMessage().contains(part), () -> "message " + e.getMessage() + " lacks " + part);
            return;
        }
        ShellLexer.Expansion expansion = LEXER.processWord(input, env);
        assertEquals(vector.get("expect").asText(), expansion.result());
        if (vector.has("matches")) {
            assertEquals(names(vector.get("matches")), expansion.matched(), "matched");
        }
        if (vector.has("unmatched")) {
            assertEquals(names(vector.get("unmatched")), expansion.unmatched(), "unmatched");
        }
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new HashSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }
}
