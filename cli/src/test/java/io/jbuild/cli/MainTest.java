package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

class MainTest {

    @TestFactory
    Stream<DynamicTest> help_everyCommand_printsUsageAndExits0() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())),
                new ArrayList<>(), paths);
        assertTrue(paths.size() >= 4, "expected several commands, got " + paths);
        return paths.stream().map(path -> DynamicTest.dynamicTest(String.join(" ", path) + " --help", () -> {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = Main.run(args.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
            assertEquals(0, exit, err::toString);
            assertTrue(out.toString().startsWith("Usage: jbuild"), out::toString);
        }));
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> into) {
        into.add(List.copyOf(prefix));
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<String> next = new ArrayList<>(prefix);
            next.add(e.getKey());
            collect(e.getValue(), next, into);
        }
    }

    @Test
    void withDefaultSubcommand_optionsFirst_insertsBuild() {
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertArrayEquals(new String[] {"build", "-f", "Dockerfile", "."},
                Main.withDefaultSubcommand(cl, new String[] {"-f", "Dockerfile", "."}));
        assertArrayEquals(new String[] {"build", "."}, Main.withDefaultSubcommand(cl, new String[] {"."}));
    }

    @Test
    void withDefaultSubcommand_subcommandOrHelp_keepsArguments() {
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        String[] debug = {"debug", "dump-ast", "Dockerfile"};
        assertArrayEquals(debug, Main.withDefaultSubcommand(cl, debug));
        String[] help = {"--help"};
        assertArrayEquals(help, Main.withDefaultSubcommand(cl, help));
        String[] none = {};
        assertArrayEquals(none, Main.withDefaultSubcommand(cl, none));
    }

    @Test
    void dumpAst_missingFile_printsOneLineErrorAndExits1() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"debug", "dump-ast", "/nonexistent/Dockerfile"},
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(1, exit);
        assertEquals("error: read Dockerfile /nonexistent/Dockerfile: no such file\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void buildDryRun_example_printsStagesAndNumberedSteps() {
        java.nio.file.Path example = java.nio.file.Path.of(System.getProperty("jbuild.testdata", "../testdata"))
                .getParent().resolve("examples/hello");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"-f", example.resolve("Dockerfile").toString(), "--dry-run",
                "--build-arg", "BASE=example.com/base:1", example.toString()}, new PrintWriter(out),
                new PrintWriter(err));
        assertEquals(0, exit, err::toString);
        String text = out.toString();
        assertTrue(text.contains("stage 0 build: FROM example.com/base:1\n"), text);
        assertTrue(text.contains("#3 [build 3/3] RUN <<EOF\n"), text);
        assertTrue(text.contains("stage 1 stage-1: FROM example.com/base:1; needs build; target\n"), text);
        assertTrue(text.contains("#6 [stage-1 3/3] ENTRYPOINT [\"cat\", \"/usr/share/hello/shout.txt\"]"), text);
    }

    @Test
    void buildDryRun_unknownTarget_printsOneLineErrorAndExits1() {
        java.nio.file.Path example = java.nio.file.Path.of(System.getProperty("jbuild.testdata", "../testdata"))
                .getParent().resolve("examples/hello");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"-f", example.resolve("Dockerfile").toString(), "--dry-run",
                "--target", "nope", example.toString()}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(1, exit);
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("\"nope\""), err::toString);
        assertEquals(1, err.toString().strip().lines().count(), err::toString);
    }
}
