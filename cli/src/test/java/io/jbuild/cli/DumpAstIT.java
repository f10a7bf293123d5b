package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the packaged {@code jbuild.jar} as a user would ({@code java -jar jbuild.jar debug dump-ast FILE})
 * over BuildKit's parser corpus: every positive case prints its {@code result} byte for byte and exits 0,
 * every negative case prints one error line on stderr and exits 1.
 */
class DumpAstIT {
    private static final Path JAR = Path.of("target", "jbuild.jar");

    @TestFactory
    Stream<DynamicTest> dumpAst_positiveCase_printsBuildKitResult() throws IOException {
        Path cases = Conformance.dir().resolve("buildkit-parser/testfiles");
        try (Stream<Path> dirs = Files.list(cases)) {
            return dirs.sorted().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                Run run = run(dir.resolve("Dockerfile"));
                assertEquals(0, run.exit, () -> "stderr: " + run.err);
                assertEquals(Files.readString(dir.resolve("result"), StandardCharsets.UTF_8), run.out);
            })).toList().stream();
        }
    }

    @TestFactory
    Stream<DynamicTest> dumpAst_negativeCase_printsOneErrorLineAndExits1() throws IOException {
        Path cases = Conformance.dir().resolve("buildkit-parser/testfiles-negative");
        try (Stream<Path> dirs = Files.list(cases)) {
            return dirs.sorted().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                Run run = run(dir.resolve("Dockerfile"));
                assertEquals(1, run.exit, () -> "stdout: " + run.out);
                assertEquals("", run.out);
                String err = run.err.strip();
                assertTrue(!err.isEmpty() && !err.contains("\n"), () -> "one error line expected: " + run.err);
                assertTrue(err.contains(dir.resolve("Dockerfile").toString()), () -> "names the file: " + err);
            })).toList().stream();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Path dockerfile) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.add("debug");
        cmd.add("dump-ast");
        cmd.add(dockerfile.toString());
        Path out = Files.createTempFile("dump-ast", ".out");
        Path err = Files.createTempFile("dump-ast", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int exit = p.waitFor();
            return new Run(exit, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
