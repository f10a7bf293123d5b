package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * BuildKit's parser corpus ({@code buildkit-parser/}, see its README): every positive and
 * negative case, the line-number and warning expectations, and every heredoc expectation, each
 * as its own test.
 */
class DockerfileParserConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The one heredocs_from_line case whose transcribed expectation BuildKit does not meet. */
    private static final String UPSTREAM_VACUOUS_LINE = "RUN <<- EOF";

    static Path corpus() {
        String prop = System.getProperty("jbuild.conformance");
        Path root = prop != null && !prop.isEmpty() ? Paths.get(prop)
                : Paths.get("").toAbsolutePath().getParent().resolve("../shared/conformance").normalize();
        return root.resolve("buildkit-parser");
    }

    private static List<Path> caseDirs(String dir) {
        try (Stream<Path> s = Files.list(corpus().resolve(dir))) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode expected() {
        try {
            return JSON.readTree(corpus().resolve("heredoc/expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void corpus_isPresent() {
        assertTrue(Files.isDirectory(corpus().resolve("testfiles")), "conformance corpus at " + corpus());
        assertEquals(33, caseDirs("testfiles").size());
        assertEquals(4, caseDirs("testfiles-negative").size());
    }

    @TestFactory
    Stream<DynamicTest> parse_positiveCase_dumpsResult() {
        return caseDirs("testfiles").stream().map(dir -> dynamicTest(dir.getFileName().toString(), () -> {
            ParseResult result = DockerfileParser.parse("Dockerfile", read(dir.resolve("Dockerfile")));
            String expected = new String(read(dir.resolve("result")), StandardCharsets.UTF_8);
            assertEquals(expected, result.dump().strip() + "\n");
        }));
    }

    @TestFactory
    Stream<DynamicTest> parse_negativeCase_throws() {
        return caseDirs("testfiles-negative").stream().map(dir -> dynamicTest(dir.getFileName().toString(), () ->
                assertThrows(DockerfileException.class,
                        () -> DockerfileParser.parse("Dockerfile", read(dir.resolve("Dockerfile"))))));
    }

    @Test
    void parse_testfileLine_reportsLineRanges() throws Exception {
        ParseResult result = DockerfileParser.parse("Dockerfile", read(corpus().resolve("testfile-line/Dockerfile")));
        assertEquals(5, result.startLine());
        assertEquals(31, result.endLine());
        assertEquals(3, result.nodes().size());
        int[][] ranges = {{5, 5}, {11, 12}, {17, 31}};
        for (int i = 0; i < ranges.length; i++) {
            assertEquals(ranges[i][0], result.nodes().get(i).startLine(), "start of child " + i);
            assertEquals(ranges[i][1], result.nodes().get(i).endLine(), "end of child " + i);
        }
    }

    @Test
    void parse_emptyContinuationLines_warnsTwice() throws Exception {
        ParseResult result = DockerfileParser.parse("Dockerfile", read(corpus().resolve("warnings/Dockerfile")));
        List<ParseWarning> warnings = result.warnings();
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).message().contains("Empty continuation line found in"));
        assertTrue(warnings.get(0).message().contains("RUN something     following     more"));
        assertTrue(warnings.get(1).message().contains("RUN another     thing"));
        for (ParseWarning w : warnings) {
            assertTrue(w.detail().contains("Empty continuation lines will become errors in a future release"));
        }
    }

    @TestFactory
    Stream<DynamicTest> parse_heredocDockerfile_extractsHeredocs() throws Exception {
        ParseResult result = DockerfileParser.parse("Dockerfile", read(corpus().resolve("heredoc/Dockerfile")));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : expected().get("extract_heredocs").get("cases")) {
            int index = c.get("child_index").asInt();
            String name = "child " + index + ": " + c.get("go_test_comment").asText();
            tests.add(dynamicTest(name, () -> {
                Node node = result.nodes().get(index);
                JsonNode docs = c.get("heredocs");
                if (docs.isNull()) {
                    assertEquals(List.of(), node.heredocs());
                    return;
                }
                List<Heredoc> expected = new ArrayList<>();
                for (JsonNode d : docs) {
                    expected.add(new Heredoc(d.get("name").asText(), d.get("content").asText(),
                            d.get("expand").asBoolean(), d.get("chomp").asBoolean(),
                            d.get("fileDescriptor").asInt()));
                }
                assertEquals(expected, node.heredocs());
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> parse_jsonForm_hasNoHeredocs() throws Exception {
        JsonNode spec = expected().get("json_form_has_no_heredocs");
        ParseResult result = DockerfileParser.parse("Dockerfile",
                spec.get("dockerfile").asText().getBytes(StandardCharsets.UTF_8));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode i : spec.get("child_indexes_without_heredocs")) {
            tests.add(dynamicTest("child " + i.asInt(), () -> {
                Node node = result.nodes().get(i.asInt());
                assertTrue(node.jsonForm());
                assertEquals(List.of(), node.heredocs());
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> chomp_case_removesLeadingTabs() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : expected().get("chomp")) {
            tests.add(dynamicTest(GoQuote.quote(c.get("input").asText()), () ->
                    assertEquals(c.get("expect").asText(), Heredocs.chomp(c.get("input").asText()))));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> parseWord_case_matchesExpectation() {
        JsonNode spec = expected().get("parse_heredoc_word");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode w : spec.get("valid_name_EOF")) {
            tests.add(dynamicTest("valid " + GoQuote.quote(w.asText()), () -> {
                Optional<Heredoc> h = Heredocs.parseWord(w.asText(), '\\');
                assertTrue(h.isPresent());
                assertEquals("EOF", h.get().name());
            }));
        }
        for (JsonNode w : spec.get("invalid_error")) {
            tests.add(dynamicTest("invalid " + GoQuote.quote(w.asText()), () ->
                    assertThrows(DockerfileException.class, () -> Heredocs.parseWord(w.asText(), '\\'))));
        }
        for (JsonNode w : spec.get("not_heredoc")) {
            tests.add(dynamicTest("not heredoc " + GoQuote.quote(w.asText()), () ->
                    assertFalse(Heredocs.parseWord(w.asText(), '\\').isPresent())));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> namesInLine_case_findsNames() {
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (JsonNode c : expected().get("heredocs_from_line")) {
            String line = c.get("line").asText();
            tests.add(dynamicTest("#" + i++ + " " + GoQuote.quote(line), () -> {
                List<String> expectedNames = new ArrayList<>();
                if (!c.get("heredoc_names").isNull()) {
                    c.get("heredoc_names").forEach(n -> expectedNames.add(n.asText()));
                }
                if (line.equals(UPSTREAM_VACUOUS_LINE)) {
                    // The Go test only compares the names it gets back, and BuildKit's lexer splits
                    // "<<-" from "EOF" here, so BuildKit finds no heredoc at all (checked against
                    // BuildKit's own code). We follow BuildKit, not the transcription.
                    assertEquals(List.of(), Heredocs.namesInLine(line, '\\'));
                    return;
                }
                assertEquals(expectedNames, Heredocs.namesInLine(line, '\\'));
            }));
        }
        return tests.stream();
    }
}
