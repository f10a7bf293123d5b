package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Passes 1 to 3 end to end over every Dockerfile of BuildKit's parser corpus
 * ({@code buildkit-parser/testfiles}): each either becomes typed instructions and a plan, or fails
 * with a located {@link DockerfileException} whose message is the one BuildKit's instructions
 * pass gives for it; never an unchecked exception.
 */
class InstructionParserConformanceTest {
    /** Cases BuildKit's instructions pass rejects, with our (BuildKit's) message. */
    private static final Map<String, String> REJECTED = Map.of(
            "flags", "Dockerfile:3:1: unknown flag: --user",
            "health", "Dockerfile:4:1: HEALTHCHECK requires at least one argument",
            "jeztah-invalid-json-json-inside-string", "Dockerfile:1:1: no build stage in current context",
            "jeztah-invalid-json-json-inside-string-double", "Dockerfile:1:1: no build stage in current context",
            "jeztah-invalid-json-single-quotes", "Dockerfile:1:1: no build stage in current context",
            "jeztah-invalid-json-unterminated-bracket", "Dockerfile:1:1: no build stage in current context",
            "jeztah-invalid-json-unterminated-string", "Dockerfile:1:1: no build stage in current context",
            "json", "Dockerfile:1:1: no build stage in current context");

    private static List<Path> cases() {
        try (Stream<Path> s = Files.list(DockerfileParserConformanceTest.corpus().resolve("testfiles"))) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> parse_corpusDockerfile_typesOrFailsWithLocation() {
        return cases().stream().map(dir -> dynamicTest(dir.getFileName().toString(), () -> {
            String name = dir.getFileName().toString();
            byte[] bytes = Files.readAllBytes(dir.resolve("Dockerfile"));
            ParseResult ast = DockerfileParser.parse("Dockerfile", bytes);
            try {
                DockerfileInstructions typed = InstructionParser.parse(ast);
                int count = typed.globalArgs().size();
                for (Stage s : typed.stages()) {
                    count += 1 + s.instructions().size();
                }
                assertEquals(ast.nodes().size(), count, "every node becomes one instruction");
                assertFalse(REJECTED.containsKey(name), "expected to be rejected: " + REJECTED.get(name));
                if (!typed.stages().isEmpty()) {
                    BuildPlan plan = BuildPlanner.plan(typed, BuildOptions.defaults());
                    assertTrue(plan.stages().size() >= 1);
                }
            } catch (DockerfileException e) {
                assertTrue(e.line() > 0, "error without a line: " + e.getMessage());
                if (!REJECTED.containsKey(name)) {
                    fail("unexpected rejection: " + e.getMessage());
                }
                assertEquals(REJECTED.get(name), e.getMessage());
            }
        }));
    }

    /** Every single instruction of the corpus on its own, so lines after a first error are checked too. */
    @TestFactory
    Stream<DynamicTest> parse_corpusInstruction_typesOrFailsWithLocation() {
        return cases().stream().map(dir -> dynamicTest(dir.getFileName().toString(), () -> {
            ParseResult ast = DockerfileParser.parse("Dockerfile", Files.readAllBytes(dir.resolve("Dockerfile")));
            for (Node node : ast.nodes()) {
                try {
                    Instruction typed = InstructionParser.parse("Dockerfile", node);
                    assertEquals(node.startLine(), typed.location().startLine());
                    assertEquals(node.original(), typed.original());
                } catch (DockerfileException e) {
                    assertEquals(node.startLine(), e.line(), e.getMessage());
                    assertTrue(e.getMessage().startsWith("Dockerfile:" + node.startLine() + ":"), e.getMessage());
                }
            }
        }));
    }
}
