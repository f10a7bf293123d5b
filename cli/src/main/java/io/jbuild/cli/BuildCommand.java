package io.jbuild.cli;

import io.jbuild.dockerfile.DockerfileParser;
import io.jbuild.dockerfile.ParseResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild build [options] CONTEXT}: build an image from a Dockerfile. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build an image from a Dockerfile and a context directory.")
final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CONTEXT", defaultValue = ".", description = "The build context directory (default: .).")
    String context;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "The Dockerfile (default: CONTEXT/Dockerfile; - for standard input).")
    String file;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]", description = "Name the result (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--build-arg", paramLabel = "KEY[=VALUE]",
            description = "Set a build argument; KEY alone takes the value from the environment (repeatable).")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "Build this stage and what it needs.")
    String target;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "The target platform.")
    String platform;

    @Option(names = "--dry-run",
            description = "Parse and plan the build, print the stages and steps that would run, run nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path contextDir = Path.of(context);
        String name = file == null ? contextDir.resolve("Dockerfile").toString() : file;
        byte[] content;
        if ("-".equals(file)) {
            content = System.in.readAllBytes();
            name = "<stdin>";
        } else {
            try {
                content = Files.readAllBytes(Path.of(name));
            } catch (NoSuchFileException e) {
                throw new IOException("read Dockerfile " + name + ": no such file");
            }
        }
        ParseResult parsed = DockerfileParser.parse(name, content);
        if (!dryRun) {
            throw new UnsupportedOperationException(
                    "build " + name + ": running builds is not implemented yet; --dry-run prints the plan");
        }
        out.print(parsed.dump());
        out.flush();
        return 0;
    }
}
