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
import io.jbuild.builder.BuildOutput;
import io.jbuild.builder.CacheSpec;
import io.jbuild.builder.BuildProgress;
import io.jbuild.builder.BuildRequest;
import io.jbuild.builder.BuildResult;
import io.jbuild.builder.Builder;
import io.jbuild.builder.NetworkMode;
import io.jbuild.builder.ProgressMode;
import io.jbuild.builder.ProgressPrinters;
import io.jbuild.builder.SecretSource;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.LayerWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild build [options] CONTEXT}: build an image from a Dockerfile. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build an image from a Dockerfile and a context directory.")
final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

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

    @Mixin
    StoreOptions store;

    @Mixin
    RegistryOptions registry;

    @Option(names = "--no-cache", description = "Do not use the cache when building.")
    boolean noCache;

    @Option(names = "--no-cache-filter", paramLabel = "STAGE", split = ",",
            description = "Do not use the cache for the steps of these stages (name or index; repeatable).")
    List<String> noCacheFilter = new ArrayList<>();

    @Option(names = "--cache-from", paramLabel = "type=registry,ref=REF|type=local,src=DIR",
            description = "Import step cache entries from a registry or an OCI layout directory (repeatable).")
    List<String> cacheFrom = new ArrayList<>();

    @Option(names = "--cache-to",
            paramLabel = "type=registry,ref=REF[,mode=min|max][,cache-mounts=true]|type=local,dest=DIR[,...]",
            description = "Export this build's step cache entries (mode=max: every stage's, default: the final image's). "
                    + "cache-mounts=true also exports the contents of the RUN --mount=type=cache directories the "
                    + "build used, as they are; --cache-from restores them when a RUN first mounts an id the "
                    + "store lacks.")
    List<String> cacheTo = new ArrayList<>();

    @Option(names = "--explain-cache",
            description = "Print for every step whether it would come from the cache, or why not; build nothing.")
    boolean explainCache;

    @Option(names = "--pull", description = "Always pull base images, even when the store has them.")
    boolean pull;

    @Option(names = "--network", paramLabel = "default|none|host", defaultValue = "default",
            description = "The network RUN steps get (default: an isolated namespace with loopback).")
    String network;

    @Option(names = "--secret", paramLabel = "id=ID[,src=FILE|,env=VAR]",
            description = "A secret RUN --mount=type=secret can read (repeatable); never stored in the image.")
    List<String> secrets = new ArrayList<>();

    @Option(names = "--ssh", paramLabel = "default|ID=SOCKET",
            description = "An SSH agent socket RUN --mount=type=ssh can use (repeatable; default: $SSH_AUTH_SOCK).")
    List<String> ssh = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "type=TYPE[,dest=PATH][,...]",
            description = "Also write the result: type=oci|docker|local|tar|image|registry, dest=, tar=false, "
                    + "name=, push=true (repeatable).")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--push", description = "Push the image to the registry of each -t name (= --output type=image,push=true).")
    boolean push;

    @Option(names = "--runtime", paramLabel = "PATH", description = "The OCI runtime binary (default: runc or crun on PATH).")
    Path runtime;

    @Option(names = "--iidfile", paramLabel = "FILE", description = "Write the image id (config digest) to FILE.")
    Path iidFile;

    @Option(names = "--metadata-file", paramLabel = "FILE", description = "Write the build result metadata (JSON) to FILE.")
    Path metadataFile;

    @Option(names = "--progress", paramLabel = "auto|tty|plain|quiet|rawjson", defaultValue = "auto",
            description = "How to show build progress (default: auto).")
    String progress;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but the image id (= --progress=quiet).")
    boolean quiet;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Set an image label (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--sign", description = "Sign each pushed image with the cosign key --key (needs --push).")
    boolean sign;

    @Option(names = "--key", paramLabel = "KEY", description = "The private key file for --sign.")
    Path key;

    @Option(names = "--verify-policy", paramLabel = "FILE",
            description = "JSON list of {\"registry/repository glob\": [public key files]}; a FROM image the policy "
                    + "covers must carry a cosign signature verified by one of its keys.")
    Path verifyPolicy;

    @Option(names = {"--timestamp", "--source-date-epoch"}, paramLabel = "SECONDS",
            description = "Created time of the image and clamp for file mtimes (default: $SOURCE_DATE_EPOCH).")
    Long timestamp;

    @Option(names = "--compression", paramLabel = "gzip|zstd|uncompressed",
            description = "How the layers the build writes are compressed (default: an --output's compression= "
                    + "attribute, else gzip); base image layers stay as pulled.")
    String compression;

    @Override
    public Integer call() throws Exception {
        JsonWarmup.start();
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
            return build(contextDir, "-".equals(file) ? content : null, Path.of(name));
        }
        out.println("context: " + contextDir + ignoreFile.map(f -> " (" + f + ": " + ignorePatterns + " patterns)")
                .orElse(""));
        printPlan(out, plan, parsed);
        return 0;
    }

    private int build(Path contextDir, byte[] stdinContent, Path dockerfile) throws Exception {
        Environment env = main.environment();
        Map<String, String> args = BuildOptions.parseBuildArgs(buildArgs, env.variables());
        BuildRequest.Builder request = BuildRequest.builder(contextDir)
                .dockerfile(dockerfile)
                .dockerfileContent(stdinContent)
                .tags(tags)
                .buildArgs(args)
                .target(target)
                .platform(platform)
                .noCache(noCache)
                .explainCache(explainCache)
                .pull(pull)
                .network(NetworkMode.parse(network))
                .runtime(runtime)
                .iidFile(iidFile)
                .metadataFile(metadataFile);
        Long epoch = timestamp;
        if (epoch == null && args.containsKey("SOURCE_DATE_EPOCH")) {
            epoch = parseEpoch(args.get("SOURCE_DATE_EPOCH"), "--build-arg SOURCE_DATE_EPOCH");
        }
        if (epoch == null && env.get("SOURCE_DATE_EPOCH") != null && !env.get("SOURCE_DATE_EPOCH").isEmpty()) {
            epoch = parseEpoch(env.get("SOURCE_DATE_EPOCH"), "SOURCE_DATE_EPOCH");
        }
        request.sourceDateEpoch(epoch);
        for (String s : secrets) {
            request.secret(SecretSource.parse(s, env.variables()));
        }
        for (String s : ssh) {
            int eq = s.indexOf('=');
            String id = eq < 0 ? s : s.substring(0, eq);
            String socket = eq < 0 ? env.get("SSH_AUTH_SOCK") : s.substring(eq + 1);
            if (socket == null || socket.isEmpty()) {
                throw new CommandException("--ssh " + s + ": no socket given and SSH_AUTH_SOCK is not set");
            }
            request.ssh(id, Path.of(socket));
        }
        String outputCompression = null;
        for (String o : outputs) {
            BuildOutput output = BuildOutput.parse(o);
            request.output(output);
            String c = output.attribute("compression");
            if (c != null && outputCompression != null && !c.equals(outputCompression)) {
                throw new CommandException("--output compression=" + outputCompression + " and compression=" + c
                        + ": layers are compressed once, while building; give one compression");
            }
            outputCompression = c != null ? c : outputCompression;
        }
        if (compression != null) {
            request.compression(parseCompression(compression, "--compression " + compression));
        } else if (outputCompression != null) {
            request.compression(parseCompression(outputCompression, "--output compression=" + outputCompression));
        }
        for (String f : noCacheFilter) {
            request.noCacheFilter(f.strip());
        }
        try {
            for (String c : cacheFrom) {
                request.cacheFrom(CacheSpec.parse(c, false));
            }
            for (String c : cacheTo) {
                request.cacheTo(CacheSpec.parse(c, true));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        if (push) {
            request.output(BuildOutput.parse("type=image,push=true"));
        }
        for (String l : labels) {
            int eq = l.indexOf('=');
            request.label(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
        }
        if (sign && (key == null || !push && outputs.stream().noneMatch(o -> o.contains("push=true")))) {
            throw new CommandException("build: --sign needs --key and --push");
        }
        BlobStore blobs = store.open(env);
        // the registry client is made when first needed: a build from the store and the cache never pays for it
        java.util.function.Supplier<io.jbuild.registry.RegistryClient> client = new java.util.function.Supplier<>() {
            private io.jbuild.registry.RegistryClient made;

            @Override
            public synchronized io.jbuild.registry.RegistryClient get() {
                if (made == null) {
                    made = registry.client(env);
                }
                return made;
            }
        };
        if (verifyPolicy != null) {
            VerifyPolicy policy = VerifyPolicy.read(verifyPolicy);
            request.verifier(ref -> PullVerification.verify(env, client.get(), blobs, policy, ref));
        }
        ProgressMode mode = quiet ? ProgressMode.QUIET : ProgressMode.parse(progress);
        PrintWriter out = spec.commandLine().getOut();
        PrintStream progressOut = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true,
                StandardCharsets.UTF_8);
        BuildResult result;
        if (explainCache) {
            List<String> report;
            try (BuildProgress view = ProgressPrinters.create(mode, progressOut, env.terminal())) {
                report = new Builder(blobs, client).explainCache(request.build(), view);
            }
            progressOut.flush();
            report.forEach(out::println);
            out.flush();
            return 0;
        }
        // Ctrl-C (SIGINT/SIGTERM): interrupt the build and let it kill its containers and unmount its
        // overlays before the JVM exits
        Thread buildThread = Thread.currentThread();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            buildThread.interrupt();
            try {
                finished.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "jbuild-interrupt");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try (BuildProgress view = ProgressPrinters.create(mode, progressOut, env.terminal())) {
            result = new Builder(blobs, client).build(request.build(), view);
        } catch (InterruptedException e) {
            throw new CommandException("build interrupted; its containers were stopped and its mounts removed");
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for finished
            }
        }
        progressOut.flush();
        if (quiet) {
            out.println(result.configDigest());
        } else {
            for (String t : result.tags()) {
                out.println("naming to " + t + " done");
            }
            out.println("writing image " + result.configDigest() + " done (manifest " + result.manifest().digest() + ")");
            for (String p : result.pushed()) {
                out.println("pushed " + p);
            }
        }
        if (sign) {
            for (String p : result.pushed()) {
                ImageReference ref = ImageReference.parse(p);
                out.println("Signed: " + ref.name() + ":" + SignCommand.sign(env, client.get(), store, key, ref, Map.of()).tag());
            }
        }
        out.flush();
        return 0;
    }

    /** BuildKit's compression names; {@code what} names the value in the error. */
    static LayerWriter.Compression parseCompression(String value, String what) throws CommandException {
        switch (value) {
            case "gzip":
                return LayerWriter.Compression.GZIP;
            case "zstd":
                return LayerWriter.Compression.ZSTD;
            case "uncompressed":
                return LayerWriter.Compression.NONE;
            default:
                throw new CommandException(what + ": unknown compression (gzip, zstd or uncompressed)");
        }
    }

    private static long parseEpoch(String value, String what) throws CommandException {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandException(what + "=" + value + ": not a number of seconds since 1970");
        }
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
