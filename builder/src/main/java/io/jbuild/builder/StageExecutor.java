package io.jbuild.builder;

import io.jbuild.dockerfile.AddInstruction;
import io.jbuild.dockerfile.ArgInstruction;
import io.jbuild.dockerfile.CopyInstruction;
import io.jbuild.dockerfile.DockerfileException;
import io.jbuild.dockerfile.EnvInstruction;
import io.jbuild.dockerfile.Instruction;
import io.jbuild.dockerfile.KeyValue;
import io.jbuild.dockerfile.Keyword;
import io.jbuild.dockerfile.PlannedStage;
import io.jbuild.dockerfile.RunInstruction;
import io.jbuild.dockerfile.ShellLexer;
import io.jbuild.dockerfile.SourceContent;
import io.jbuild.dockerfile.WordExpander;
import io.jbuild.dockerfile.WorkdirInstruction;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.Layer;
import io.jbuild.layerstore.LayerWriter;
import io.jbuild.layerstore.Platform;
import io.jbuild.layerstore.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds one stage: resolves its base, runs the base's ONBUILD triggers, then each instruction in
 * order, as BuildKit's dispatcher does: metadata instructions change the config, RUN runs a
 * container on an overlay, COPY/ADD write files, and each change set becomes a layer.
 */
final class StageExecutor {
    private final BuildContext ctx;
    private final PlannedStage stage;
    private final ShellLexer lexer;
    private final Platform platform;
    /** The environment expansions and RUN see: the config's Env plus the ARGs in scope. */
    private final Map<String, String> env = new LinkedHashMap<>();
    /** The ARGs declared in this stage with their values, in order (RUN's history lists them). */
    private final Map<String, String> args = new LinkedHashMap<>();
    private ImageState state;
    /** Whether a CMD ran in this stage (ENTRYPOINT then keeps it; else it clears the inherited Cmd). */
    private boolean cmdSet;

    StageExecutor(BuildContext ctx, PlannedStage stage) {
        this.ctx = ctx;
        this.stage = stage;
        this.lexer = new ShellLexer(ctx.plan.escape());
        this.platform = ctx.platform;
    }

    ImageState run() throws BuildException, InterruptedException {
        List<Instruction> instructions = stage.stage().instructions();
        int total = instructions.size() + 1;
        if (stage.baseStage() >= 0) {
            state = ctx.stages.get(stage.baseStage()).join();
        } else {
            String name = ctx.stepName(stage, 1, total, "FROM " + stage.baseImage());
            if (stage.baseImage().equals("scratch")) {
                state = BaseImages.resolve(ctx, "scratch", platform, false);
            } else {
                try (BuildProgress.Step step = ctx.progress.start(ctx.nextStep(), name)) {
                    try {
                        state = BaseImages.resolve(ctx, stage.baseImage(), platform, ctx.request.pull());
                    } catch (BuildException e) {
                        step.fail(e.getMessage());
                        throw e.at(stage.stage().location());
                    }
                }
            }
        }
        List<String> triggers = config().onBuild();
        if (!triggers.isEmpty()) {
            state = state.withConfig(state.config().withConfig(withOnBuild(config(), List.of())));
        }
        if (stage.baseStage() >= 0) {
            // a stage built on a stage continues its state: environment and ARGs; its ONBUILD triggers do not run
            BuildContext.StageVariables inherited = ctx.stageVariables.get(stage.baseStage());
            env.putAll(inherited.env());
            args.putAll(inherited.args());
        } else {
            for (String e : config().env()) {
                int eq = e.indexOf('=');
                env.put(e.substring(0, eq), e.substring(eq + 1));
            }
            if (!triggers.isEmpty()) {
                for (Instruction trigger : OnBuildTriggers.parse(triggers, stage.stage().location(), ctx.plan.escape())) {
                    dispatch(trigger, 1, total);
                }
            }
        }
        int index = 1;
        for (Instruction instruction : instructions) {
            index++;
            if (Thread.interrupted()) {
                throw new InterruptedException("build cancelled");
            }
            dispatch(instruction, index, total);
        }
        ctx.stageVariables.put(stage.index(), new BuildContext.StageVariables(env, args));
        return state;
    }

    private ImageConfig.ContainerConfig config() {
        ImageConfig.ContainerConfig c = state.config().config();
        return c == null ? ImageConfig.ContainerConfig.empty() : c;
    }

    private static ImageConfig.ContainerConfig withOnBuild(ImageConfig.ContainerConfig c, List<String> onBuild) {
        return new ImageConfig.ContainerConfig(c.user(), c.exposedPorts(), c.env(), c.entrypoint(), c.cmd(),
                c.volumes(), c.workingDir(), c.labels(), c.stopSignal(), c.argsEscaped(), c.healthcheck(), onBuild,
                c.shell());
    }

    private void dispatch(Instruction raw, int index, int total) throws BuildException, InterruptedException {
        Instruction instruction;
        try {
            instruction = raw.expand(expander());
        } catch (DockerfileException e) {
            throw new BuildException(e.getMessage(), raw.location(), -1, e);
        }
        try {
            switch (instruction.keyword()) {
                case ARG:
                    history(declareArgs((ArgInstruction) instruction));
                    break;
                case RUN:
                    run((RunInstruction) instruction, index, total);
                    break;
                case COPY:
                case ADD:
                    copy(instruction, index, total);
                    break;
                case WORKDIR: {
                    String text = ConfigInstructions.createdBy(state.config(), instruction, runArgs());
                    applyConfig(instruction);
                    workdir(text);
                    break;
                }
                case ENV:
                    history(applyConfig(instruction));
                    for (KeyValue kv : ((EnvInstruction) instruction).env()) {
                        env.put(kv.key(), kv.value());
                    }
                    break;
                case FROM:
                    throw new BuildException("FROM is not allowed here", instruction.location(), -1, null);
                case ONBUILD:
                    applyConfig(instruction);
                    break;
                default:
                    history(applyConfig(instruction));
                    if (instruction.keyword() == Keyword.CMD) {
                        cmdSet = true;
                    }
                    break;
            }
        } catch (BuildException e) {
            throw e.at(raw.location());
        }
    }

    private WordExpander expander() {
        return WordExpander.of(lexer, env);
    }

    /** Applies a metadata instruction to the config; returns its history text (as of the config before it). */
    private String applyConfig(Instruction instruction) throws BuildException {
        String text = ConfigInstructions.createdBy(state.config(), instruction, runArgs());
        state = state.withConfig(ConfigInstructions.apply(state.config(), instruction, cmdSet));
        return text;
    }

    /** A history entry without a layer. */
    private void history(String createdBy) {
        state = state.withHistory(new ImageConfig.History(ctx.now(), createdBy, null,
                ConfigInstructions.HISTORY_COMMENT, Boolean.TRUE));
    }

    /** The ARGs RUN's history lists: each declared ARG with its current value. */
    Map<String, String> runArgs() {
        Map<String, String> out = new LinkedHashMap<>();
        args.forEach((k, v) -> out.put(k, env.getOrDefault(k, v == null ? "" : v)));
        return out;
    }

    /** Declares the ARGs with their values (build arg, else default, else global); returns the history text. */
    private String declareArgs(ArgInstruction arg) {
        List<ArgInstruction.Definition> resolved = new ArrayList<>();
        for (ArgInstruction.Definition d : arg.args()) {
            Optional<String> value = ctx.plan.stageArgValue(d.name(), d.defaultValue() != null);
            String v = value.orElse(d.defaultValue());
            args.put(d.name(), v);
            if (v != null) {
                env.put(d.name(), v);
            }
            resolved.add(new ArgInstruction.Definition(d.name(), v));
        }
        return ConfigInstructions.createdBy(new ArgInstruction(arg.location(), arg.original(), resolved), runArgs(),
                config().shell());
    }

    // ------------------------------------------------------------------ RUN

    private void run(RunInstruction run, int index, int total) throws BuildException, InterruptedException {
        String name = ctx.stepName(stage, index, total, run.original());
        try (BuildProgress.Step step = ctx.progress.start(ctx.nextStep(), name);
             StepMount mount = StepMount.mount(ctx.store, state.layerDirs(ctx.store), "run")) {
            try {
                List<String> argv = new RunStep(ctx, this, run, mount, step).execute(state.config());
                commit(mount, ConfigInstructions.createdBy(withArgs(run, argv), runArgs(), config().shell()));
            } catch (BuildException e) {
                step.fail(e.getMessage());
                throw e;
            }
        }
    }

    /** RUN's history uses the argv actually run (shell and heredoc applied). */
    private static Instruction withArgs(RunInstruction run, List<String> argv) {
        return new RunInstruction(run.location(), run.original(),
                new io.jbuild.dockerfile.CommandLine(argv, false), run.mountSpecs(), run.mounts(), run.network(),
                run.security(), List.of());
    }

    Map<String, String> environment() {
        return env;
    }

    PlannedStage plannedStage() {
        return stage;
    }

    // ------------------------------------------------------------------ WORKDIR

    private void workdir(String createdBy) throws BuildException {
        String wd = config().workingDir();
        if (wd == null || wd.equals("/")) {
            history(createdBy);
            return;
        }
        try (StepMount mount = StepMount.mount(ctx.store, state.layerDirs(ctx.store), "workdir")) {
            ResolvedUser user = config().user() == null || config().user().isEmpty() ? ResolvedUser.ROOT
                    : Users.resolve(mount.root(), config().user());
            RootfsPaths.mkdirs(mount.root(), wd, user.uid(), user.gid());
            commit(mount, createdBy);
        }
    }

    // ------------------------------------------------------------------ COPY / ADD

    private void copy(Instruction instruction, int index, int total) throws BuildException, InterruptedException {
        boolean add = instruction.keyword() == Keyword.ADD;
        List<String> sources;
        List<SourceContent> contents;
        String dest;
        String from = null;
        String chown;
        io.jbuild.dockerfile.Chmod chmod;
        boolean link;
        boolean parents = false;
        List<String> excludes;
        String checksum = null;
        boolean keepGitDir = false;
        Boolean unpack = null;
        if (add) {
            AddInstruction a = (AddInstruction) instruction;
            sources = a.sources();
            contents = a.contents();
            dest = a.dest();
            chown = a.chown();
            chmod = a.chmodMode();
            link = a.link();
            excludes = a.excludes();
            checksum = a.checksum();
            keepGitDir = a.keepGitDir();
            unpack = a.unpack();
        } else {
            CopyInstruction c = (CopyInstruction) instruction;
            sources = c.sources();
            contents = c.contents();
            dest = c.dest();
            from = c.from();
            chown = c.chown();
            chmod = c.chmodMode();
            link = c.link();
            parents = c.parents();
            excludes = c.excludes();
        }
        List<SourceContent> inline = new ArrayList<>();
        for (SourceContent sc : contents) {
            String data = sc.data();
            if (sc.expand()) {
                try {
                    data = lexer.withRawQuotes(true).withSkipUnsetEnv(true).processWord(data, env).result();
                } catch (DockerfileException e) {
                    throw new BuildException(e.getMessage(), instruction.location(), -1, e);
                }
            }
            inline.add(new SourceContent(sc.path(), data, false));
        }
        String name = ctx.stepName(stage, index, total, instruction.original());
        try (BuildProgress.Step step = ctx.progress.start(ctx.nextStep(), name)) {
            try (SourceRoot source = SourceRoot.open(ctx, from, platform)) {
                String workdir = config().workingDir() == null || config().workingDir().isEmpty() ? "/"
                        : config().workingDir();
                try (StepMount mount = StepMount.mount(ctx.store, link ? List.of() : state.layerDirs(ctx.store),
                        add ? "add" : "copy")) {
                    Integer uid = null;
                    Integer gid = null;
                    if (chown != null && !chown.isEmpty()) {
                        ResolvedUser owner = resolveChown(chown, link, mount);
                        uid = owner.uid();
                        gid = owner.gid();
                    }
                    CopyRequest request = new CopyRequest(source.copySource(), sources, inline, dest, workdir, uid, gid,
                            chmod, parents, excludes, add, checksum, keepGitDir, ctx.request.sourceDateEpoch(), unpack);
                    ctx.copier.copy(request, mount.root());
                    commit(mount, ConfigInstructions.createdBy(instruction, runArgs(), config().shell()));
                }
            } catch (BuildException e) {
                step.fail(e.getMessage());
                throw e;
            }
        }
    }

    private ResolvedUser resolveChown(String chown, boolean link, StepMount target) throws BuildException {
        if (!link) {
            return Users.resolveChown(target.root(), chown);
        }
        try (StepMount image = StepMount.mount(ctx.store, state.layerDirs(ctx.store), "chown")) {
            return Users.resolveChown(image.root(), chown);
        }
    }

    // ------------------------------------------------------------------ layers

    /** Unmounts the step and turns its change set into a layer (none when nothing changed). */
    private void commit(StepMount mount, String createdBy) throws BuildException {
        mount.unmount();
        mount.pruneCopiedUpDirectories(state.layerDirs(ctx.store));
        ImageConfig.History entry;
        if (mount.unchanged()) {
            entry = new ImageConfig.History(ctx.now(), createdBy, null, ConfigInstructions.HISTORY_COMMENT, Boolean.TRUE);
            state = state.withHistory(entry);
            return;
        }
        try {
            Layer layer = new LayerWriter(ctx.layerOptions).write(mount.upper(), ctx.store);
            ctx.store.commitLayerDir(mount.upper(), layer.diffId());
            mount.upperTaken();
            entry = new ImageConfig.History(ctx.now(), createdBy, null, ConfigInstructions.HISTORY_COMMENT, null);
            Descriptor descriptor = layer.descriptor();
            state = state.withLayer(descriptor, layer.diffId(), entry);
        } catch (StoreException e) {
            throw new BuildException("write layer: " + e.getMessage(), e);
        }
    }

    static void ensureDirectory(Path dir) throws BuildException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BuildException("create " + dir + ": " + e, e);
        }
    }
}
