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
        assertEquals("error: read /nonexistent/Dockerfile: no such file\n", err.toString());
        assertEquals("", out.toString());
    }
}
