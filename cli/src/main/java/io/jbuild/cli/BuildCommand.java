package io.jbuild.cli;

import io.jbuild.dockerfile.BuildOptions;
import io.jbuild.dockerfile.BuildPlan;
import io.jbuild.dockerfile.BuildPlanner;
import io.jbuild.dockerfile.DockerfileParser;
import io.jbuild.dockerfile.Instruction;
import io.jbuild.dockerfile.IgnoreFile;
import io.jbuild.dockerfile.InstructionParser;
import io.jbuild.dockerfile.ParseResult;
import io.jbuild.dockerfile.ParseWarning;
import io.jbuild.dockerfile.PlannedStage;
import io.jbuild.dockerfile.PlatformSpec;
import java.io.PrintWriter;
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
            content = Dockerfiles.read(name);
        }
        ParseResult parsed = DockerfileParser.parse(name, content);
        BuildOptions options = BuildOptions.defaults()
                .withBuildArgs(BuildOptions.parseBuildArgs(buildArgs, System.getenv()))
                .withTarget(target);
        if (platform != null) {
            options = options.withTargetPlatform(PlatformSpec.parse(platform));
        }
        BuildPlan plan = BuildPlanner.plan(InstructionParser.parse(parsed), options);
        java.util.Optional<Path> ignoreFile = IgnoreFile.locate(contextDir, "-".equals(file) ? null : Path.of(name));
        int ignorePatterns = IgnoreFile.load(ignoreFile).patterns().size();
        if (!dryRun) {
            throw new UnsupportedOperationException(
                    "build " + name + ": running builds is not implemented yet; --dry-run prints the plan");
        }
        out.println("context: " + contextDir + ignoreFile.map(f -> " (" + f + ": " + ignorePatterns + " patterns)")
                .orElse(""));
        printPlan(out, plan, parsed);
        return 0;
    }

    /** The plan as BuildKit-style numbered step lines, each stage with what it is built from and needs. */
    static void printPlan(PrintWriter out, BuildPlan plan, ParseResult parsed) {
        out.println("Dockerfile: " + plan.file());
        for (ParseWarning w : parsed.warnings()) {
            out.println("warning: " + w.message());
        }
        for (ParseWarning w : plan.warnings()) {
            out.println("warning: " + w.message());
        }
        int step = 0;
        for (PlannedStage ps : plan.stages()) {
            String stageName = ps.stage().name() != null ? ps.stage().name() : "stage-" + ps.index();
            StringBuilder head = new StringBuilder("stage ").append(ps.index()).append(" ").append(stageName)
                    .append(": FROM ");
            if (ps.baseStage() >= 0) {
                head.append("stage ").append(plan.stage(ps.baseStage()).map(b -> b.stage().displayName())
                        .orElse(Integer.toString(ps.baseStage())));
            } else {
                head.append(ps.baseImage());
            }
            if (ps.platform() != null) {
                head.append(" (platform ").append(ps.platform()).append(')');
            }
            if (!ps.dependencies().isEmpty()) {
                head.append("; needs ").append(String.join(", ", ps.dependencies().stream()
                        .map(d -> plan.stage(d).map(b -> b.stage().displayName()).orElse(Integer.toString(d)))
                        .toList()));
            }
            if (ps.index() == plan.target()) {
                head.append("; target");
            }
            out.println(head);
            int n = ps.stage().instructions().size();
            int k = 0;
            for (Instruction in : ps.stage().instructions()) {
                k++;
                step++;
                out.printf("#%d [%s %d/%d] %s%n", step, stageName, k, n, firstLine(in.original()));
            }
        }
        out.flush();
    }

    private static String firstLine(String original) {
        String s = original.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }
}
