package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** moby/patternmatcher's tables (see shared/conformance/dockerignore-patternmatcher/README.md), one test a case. */
class PatternMatcherConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir() {
        String prop = System.getProperty("jbuild.conformance");
        Path base = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "conformance");
        return base.resolve("dockerignore-patternmatcher");
    }

    private static JsonNode read(String name) throws IOException {
        return JSON.readTree(Files.readAllBytes(dir().resolve(name)));
    }

    @TestFactory
    Stream<DynamicTest> matchesOrParentMatches_vectors_allThreeApisAgree() throws IOException {
        JsonNode root = read("matches-or-parent-matches.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("single_pattern")) {
            List<String> patterns = List.of(c.get("pattern").asText());
            tests.add(matchCase(patterns, c));
        }
        for (JsonNode c : root.get("multi_pattern")) {
            List<String> patterns = new ArrayList<>();
            c.get("patterns").forEach(p -> patterns.add(p.asText()));
            tests.add(matchCase(patterns, c));
        }
        assertEquals(72, tests.size(), "case count in matches-or-parent-matches.json");
        return tests.stream();
    }

    private static DynamicTest matchCase(List<String> patterns, JsonNode c) {
        String path = c.get("path").asText();
        boolean expect = c.get("expect").asBoolean();
        String name = "line " + c.get("source_line").asInt() + ": " + patterns + " vs " + path + " -> " + expect;
        return DynamicTest.dynamicTest(name, () -> {
            PatternMatcher pm = PatternMatcher.of(patterns);
            assertEquals(expect, pm.matchesOrParentMatches(path), "matchesOrParentMatches");
            // the incremental walk: every parent from the top down, then the path itself
            String[] parts = path.split("/", -1);
            PatternMatcher.MatchInfo info = PatternMatcher.MatchInfo.NONE;
            PatternMatcher.Match last = null;
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    prefix.append('/');
                }
                prefix.append(parts[i]);
                String sub = i == parts.length - 1 ? path : prefix.toString();
                if (i < parts.length - 1 && parts[i].isEmpty()) {
                    continue;
                }
                last = pm.matchesUsingParentResults(sub, info);
                info = last.info();
            }
            assertEquals(expect, last.excluded(), "matchesUsingParentResults, walked top down");
            assertEquals(expect, pm.matchesUsingParentResults(path, PatternMatcher.MatchInfo.NONE).excluded(),
                    "matchesUsingParentResults without parent info");
        });
    }

    @TestFactory
    Stream<DynamicTest> legacyMatches_vectors_matchOrReportBadPattern() throws IOException {
        JsonNode root = read("matches-legacy.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root) {
            String pattern = c.get("pattern").asText();
            String path = c.get("path").asText();
            boolean expect = c.get("expect").asBoolean();
            boolean error = c.get("expect_error").asBoolean();
            String name = "line " + c.get("source_line").asInt() + ": " + pattern + " vs " + path + " -> "
                    + (error ? "bad pattern" : expect);
            tests.add(DynamicTest.dynamicTest(name, () -> {
                if (error) {
                    DockerfileException e = assertThrows(DockerfileException.class,
                            () -> PatternMatcher.matches(path, List.of(pattern)));
                    assertEquals("bad pattern " + GoQuote.quote(pattern) + ": syntax error in pattern", e.reason());
                } else {
                    assertEquals(expect, PatternMatcher.matches(path, List.of(pattern)));
                }
            }));
        }
        assertEquals(54, tests.size(), "case count in matches-legacy.json");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> readAll_vectors_givePatterns() throws IOException {
        JsonNode root = read("ignorefile-readall.json");
        List<DynamicTest> tests = new ArrayList<>();
        int k = 0;
        for (JsonNode c : root) {
            String input = c.get("input").asText();
            List<String> expect = new ArrayList<>();
            c.get("expect").forEach(p -> expect.add(p.asText()));
            tests.add(DynamicTest.dynamicTest("readall case " + (++k), () -> assertEquals(expect,
                    IgnoreFile.read(input.getBytes(StandardCharsets.UTF_8)))));
        }
        assertEquals(1, tests.size());
        return tests.stream();
    }
}
