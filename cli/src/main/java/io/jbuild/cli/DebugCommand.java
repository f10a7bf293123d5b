package io.jbuild.cli;

import io.jbuild.dockerfile.DockerfileParser;
import io.jbuild.dockerfile.ParseResult;
import io.jbuild.dockerfile.ParseWarning;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild debug ...}: tools for looking inside jbuild. */
@Command(name = "debug", mixinStandardHelpOptions = true,
        description = "Tools for looking inside jbuild.",
        subcommands = {DebugCommand.DumpAst.class})
final class DebugCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code jbuild debug dump-ast FILE}: BuildKit's AST dump of a Dockerfile. */
    @Command(name = "dump-ast", mixinStandardHelpOptions = true,
            description = "Print a Dockerfile's syntax tree in BuildKit's dump format, one instruction a line.")
    static final class DumpAst implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The Dockerfile to parse (- for standard input).")
        String file;

        @Override
        public Integer call() throws Exception {
            byte[] content;
            String name;
            if (file.equals("-")) {
                content = System.in.readAllBytes();
                name = "<stdin>";
            } else {
                content = Dockerfiles.read(file);
                name = file;
            }
            ParseResult result = DockerfileParser.parse(name, content);
            spec.commandLine().getOut().print(result.dump());
            spec.commandLine().getOut().flush();
            for (ParseWarning w : result.warnings()) {
                spec.commandLine().getErr().println("warning: " + name
                        + (w.line() > 0 ? ":" + w.line() : "") + ": " + w.message());
            }
            spec.commandLine().getErr().flush();
            return 0;
        }
    }
}
