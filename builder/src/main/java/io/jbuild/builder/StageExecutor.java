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
    /** The cache key of the last step that changes the file system (the base's identity at first). */
    private CacheKey chain;
    /** The created time of the last such step's result: history entries without a layer take it. */
    private String stepTime;
    /** Counts this stage's cached steps: a step's identity for explaining its next miss. */
    private int cacheSteps;
    /** Why the step about to run missed the cache. */
    private List<String> missReasons = List.of();

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
                        step.fail(firstLine(e.getMessage()));
                        throw e.at(stage.stage().location());
                    }
                }
            }
        }
        chain = baseKey();
        stepTime = baseTime();
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
        ctx.cache.stageKey(stage.index(), chain);
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
        state = state.withHistory(new ImageConfig.History(historyTime(), createdBy, null,
                ConfigInstructions.HISTORY_COMMENT, Boolean.TRUE));
    }

    /**
     * The created time of a history entry without a layer: that of the stage's last file system
     * step, or the base's before the first (so a rebuild from the cache gives the same config);
     * SOURCE_DATE_EPOCH when given.
     */
    private String historyTime() {
        return ctx.request.sourceDateEpoch() != null ? ctx.now() : stepTime;
    }

    /**
     * The created time of the entries before the stage's first file system step: the base's
     * last history entry's, or its created time, else the epoch (never now: a rebuild must give
     * the same config).
     */
    private String baseTime() {
        List<ImageConfig.History> history = state.config().history();
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).created() != null) {
                return history.get(i).created();
            }
        }
        return state.config().created() != null ? state.config().created() : "1970-01-01T00:00:00Z";
    }

    // ------------------------------------------------------------------ cache

    /** The identity the first step chains from: the stage built on, or the base image's config, and the platform. */
    private CacheKey baseKey() throws BuildException {
        if (stage.baseStage() >= 0) {
            CacheKey k = ctx.cache.stageKey(stage.baseStage());
            if (k != null) {
                return k;
            }
            return CacheKey.builder("stage " + stage.baseStage() + " uncached " + java.util.UUID.randomUUID()).build();
        }
        String base = stage.baseImage().equals("scratch") ? "scratch"
                : "image " + io.jbuild.layerstore.Stored.of(state.config()).digest();
        return CacheKey.builder(base).put("platform", platform.toString()).build();
    }

    /**
     * Looks the step with {@code key} up (null: it cannot be cached). On a hit the stored result
     * is applied and the step shows {@code CACHED}; with {@code --explain-cache} the step's line
     * goes to the report and the step never runs. Returns true when the step is done; else the
     * step must run, and {@link #missReasons} says why.
     */
    private boolean fromCache(CacheKey key, String name, String uncacheable) throws BuildException {
        cacheSteps++;
        boolean enabled = key != null && ctx.cache.enabled(stage);
        Optional<StepCache.Entry> hit = enabled ? ctx.cache.lookup(key) : Optional.empty();
        List<String> reasons = hit.isPresent() ? List.of()
                : key == null ? List.of(uncacheable)
                : !enabled ? List.of(ctx.request.noCache() ? "--no-cache" : "--no-cache-filter " + stageLabel())
                : ctx.cache.explainMiss(stepId(), key);
        if (ctx.cache.explainOnly()) {
            int number = ctx.nextStep();
            ctx.cache.report(number, "#" + number + " " + (name != null ? name : stageLabel() + " WORKDIR") + ": "
                    + (hit.isPresent() ? "CACHED" : "cache miss: " + String.join("; ", reasons)));
            if (hit.isPresent()) {
                apply(hit.get());
            }
            chain = key != null ? key : uncached();
            return true;
        }
        if (hit.isEmpty()) {
            missReasons = reasons;
            return false;
        }
        if (name != null) {
            try (BuildProgress.Step step = ctx.progress.start(ctx.nextStep(), name)) {
                step.cached();
            }
        }
        apply(hit.get());
        chain = key;
        ctx.cache.remember(stepId(), key);
        ctx.cache.used(stage.index(), key, hit.get());
        return true;
    }

    /** Prints why the step missed (the plain printer shows {@code #N cache miss: ...}). */
    private void explainMiss(BuildProgress.Step step) {
        if (!missReasons.isEmpty()) {
            step.note("cache miss: " + String.join("; ", missReasons));
        }
    }

    /** Records the result of a step that ran (the last history entry, and the layer it added if any). */
    private void stored(CacheKey key, int layersBefore) throws BuildException {
        List<ImageConfig.History> history = state.config().history();
        ImageConfig.History last = history.get(history.size() - 1);
        stepTime = last.created();
        if (key == null) {
            chain = uncached();
            return;
        }
        StepCache.Entry entry = state.layers().size() > layersBefore
                ? new StepCache.Entry(state.layers().get(state.layers().size() - 1),
                        state.diffIds().get(state.diffIds().size() - 1), last.createdBy(), last.created())
                : new StepCache.Entry(null, null, last.createdBy(), last.created());
        ctx.cache.store(stage.index(), key, entry);
        ctx.cache.remember(stepId(), key);
        chain = key;
    }

    /** A chain link no later build can match: what follows a step that cannot be cached never hits. */
    private CacheKey uncached() {
        return CacheKey.builder(chain).put("uncached", java.util.UUID.randomUUID().toString()).build();
    }

    private void apply(StepCache.Entry e) {
        String created = ctx.request.sourceDateEpoch() != null || e.created() == null ? ctx.now() : e.created();
        if (e.hasLayer()) {
            state = state.withLayer(e.layer(), e.diffId(), new ImageConfig.History(created, e.createdBy(), null,
                    ConfigInstructions.HISTORY_COMMENT, null));
        } else {
            state = state.withHistory(new ImageConfig.History(created, e.createdBy(), null,
                    ConfigInstructions.HISTORY_COMMENT, Boolean.TRUE));
        }
        stepTime = created;
    }

    /** This step's identity across builds: the Dockerfile, the stage and the step's place in it. */
    private String stepId() {
        return ctx.request.dockerfilePath().toAbsolutePath().normalize() + "\n" + stage.index() + "\n" + cacheSteps;
    }

    private String stageLabel() {
        return stage.stage().name() != null ? stage.stage().name() : Integer.toString(stage.index());
    }

    /** The layer dirs of the state so far, fetching blobs an imported cache supplies. */
    private List<Path> layerDirs() throws BuildException {
        ctx.cache.ensureBlobs(state.layers());
        return state.layerDirs(ctx.store);
    }

    /** The key components every step has: the expanded instruction and the platform, chained to the last step. */
    private CacheKey.Builder keyBuilder(Instruction expanded) {
        return epoch(CacheKey.builder(chain).instruction(expanded).put("platform", platform.toString()));
    }

    /**
     * What shapes the layer a step writes besides its inputs: SOURCE_DATE_EPOCH clamps its times (a
     * layer made without it, or with another, does not do), and a non-gzip --compression changes its blob.
     */
    private CacheKey.Builder epoch(CacheKey.Builder b) {
        Long epoch = ctx.request.sourceDateEpoch();
        if (ctx.request.compression() != io.jbuild.layerstore.LayerWriter.Compression.GZIP) {
            b = b.put("compression", ctx.request.compression().name().toLowerCase(java.util.Locale.ROOT));
        }
        return epoch == null ? b : b.put("source-date-epoch", epoch.toString());
    }

    private CacheKey runKey(RunInstruction run) throws BuildException, InterruptedException {
        ImageConfig.ContainerConfig c = config();
        CacheKey.Builder b = keyBuilder(run).variables(env, args)
                .put("user", c.user() == null ? "" : c.user())
                .put("workdir", c.workingDir() == null ? "" : c.workingDir())
                .put("shell", String.valueOf(c.shell()))
                .put("network", run.network() != null ? run.network() : ctx.request.network().toString())
                .put("security", run.security() == null ? "sandbox" : run.security());
        for (io.jbuild.dockerfile.Mount m : run.mounts()) {
            if (m.type() != io.jbuild.dockerfile.MountType.BIND) {
                continue; // cache, tmpfs, secret and ssh mounts count by their options (in the instruction) only
            }
            String label = "mount:" + m.target();
            String src = m.source() == null ? "/" : m.source();
            if (m.from() == null || m.from().isEmpty() || m.from().equals("context")) {
                b.files(label, ctx.cache.context(ctx.contextDir, ctx.ignore, List.of(src)).files());
            } else {
                b.put("from:" + m.from(), sourceIdentity(m.from()));
            }
        }
        return b.build();
    }

    /** What a {@code --from} stage or image is, for a key: the stage's last key or the image's config digest. */
    private String sourceIdentity(String from) throws BuildException, InterruptedException {
        String wanted = from.toLowerCase(java.util.Locale.ROOT);
        for (PlannedStage ps : ctx.plan.stages()) {
            if (wanted.equals(ps.stage().name()) || wanted.equals(Integer.toString(ps.index()))) {
                SourceRoot.stageResult(ctx, from);
                CacheKey k = ctx.cache.stageKey(ps.index());
                return k == null ? "stage uncached " + java.util.UUID.randomUUID() : "stage " + k.digest();
            }
        }
        ImageState image = BaseImages.resolve(ctx, from, platform, false);
        return "image " + io.jbuild.layerstore.Stored.of(image.config()).digest();
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
        CacheKey key = runKey(run);
        if (fromCache(key, name, null)) {
            for (var m : run.mounts()) {
                if (m.type() == io.jbuild.dockerfile.MountType.CACHE) {
                    ctx.cache.mountDeclared(m.effectiveId()); // carried on by cache-mounts=true
                }
            }
            return;
        }
        int layersBefore = state.layers().size();
        try (BuildProgress.Step step = ctx.progress.start(ctx.nextStep(), name);
             StepMount mount = StepMount.mount(ctx.store, layerDirs(), "run")) {
            explainMiss(step);
            try {
                List<String> argv = new RunStep(ctx, this, run, mount, step).execute(state.config());
                commit(mount, ConfigInstructions.createdBy(withArgs(run, argv), runArgs(), config().shell()));
                stored(key, layersBefore);
            } catch (BuildException e) {
                step.fail(firstLine(e.getMessage()));
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
        CacheKey key = epoch(CacheKey.builder(chain).put(CacheKey.INSTRUCTION, "WORKDIR " + wd)
                .put("user", config().user() == null ? "" : config().user()).put("platform", platform.toString()))
                .build();
        if (fromCache(key, null, null)) {
            return;
        }
        int layersBefore = state.layers().size();
        try (StepMount mount = StepMount.mount(ctx.store, layerDirs(), "workdir")) {
            ResolvedUser user = config().user() == null || config().user().isEmpty() ? ResolvedUser.ROOT
                    : Users.resolve(mount.root(), config().user());
            RootPaths.mkdirs(mount.root(), wd, user.uid(), user.gid());
            commit(mount, createdBy);
            stored(key, layersBefore);
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
        CacheKey key = copyKey(instruction, from, sources, contents, checksum);
        if (fromCache(key, name, "ADD of a URL without --checksum is never taken from the cache")) {
            return;
        }
        int layersBefore = state.layers().size();
        try (BuildProgress.Step step = ctx.progress.start(ctx.nextStep(), name)) {
            explainMiss(step);
            try (SourceRoot source = SourceRoot.open(ctx, from, platform)) {
                String workdir = config().workingDir() == null || config().workingDir().isEmpty() ? "/"
                        : config().workingDir();
                try (StepMount mount = StepMount.mount(ctx.store, link ? List.of() : layerDirs(),
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
                    ctx.copier().copy(request, mount.root());
                    commit(mount, ConfigInstructions.createdBy(instruction, runArgs(), config().shell()));
                    stored(key, layersBefore);
                }
            } catch (BuildException e) {
                step.fail(firstLine(e.getMessage()));
                throw e;
            }
        }
    }

    /**
     * A COPY's or ADD's key: the expanded instruction, the working directory (relative
     * destinations), the variables when a heredoc expands them, and what the sources are: the
     * content of the context files they select, or the {@code --from} stage's key or image's
     * config. Null (never cached) for ADD of a URL or git repository without {@code --checksum}.
     */
    private CacheKey copyKey(Instruction instruction, String from, List<String> sources, List<SourceContent> contents,
                             String checksum) throws BuildException, InterruptedException {
        List<String> local = new ArrayList<>();
        for (String src : sources) {
            if (RemoteSources.isGit(src) || RemoteSources.isHttp(src)) {
                if (checksum == null || checksum.isEmpty()) {
                    return null;
                }
            } else {
                local.add(src);
            }
        }
        CacheKey.Builder b = keyBuilder(instruction)
                .put("workdir", config().workingDir() == null ? "" : config().workingDir());
        if (contents.stream().anyMatch(SourceContent::expand)) {
            b.variables(env, args);
        }
        if (from == null || from.isEmpty() || from.equals("context")) {
            if (!local.isEmpty()) {
                b.files(null, ctx.cache.context(ctx.contextDir, ctx.ignore, local).files());
            }
        } else {
            b.put("from", sourceIdentity(from));
        }
        return b.build();
    }

    private ResolvedUser resolveChown(String chown, boolean link, StepMount target) throws BuildException {
        if (!link) {
            return Users.resolveChown(target.root(), chown);
        }
        try (StepMount image = StepMount.mount(ctx.store, layerDirs(), "chown")) {
            return Users.resolveChown(image.root(), chown);
        }
    }

    // ------------------------------------------------------------------ layers

    /**
     * Unmounts the step and turns its change set into a layer. An empty change set still makes a
     * (empty) layer, as BuildKit's exporter keeps one for every history entry that is not empty_layer.
     */
    private void commit(StepMount mount, String createdBy) throws BuildException {
        mount.unmount();
        mount.pruneCopiedUpDirectories(layerDirs());
        ImageConfig.History entry;
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

    static String firstLine(String message) {
        int nl = message == null ? -1 : message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
