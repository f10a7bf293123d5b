package io.jbuild.builder;

import io.jbuild.dockerfile.BuildOptions;
import io.jbuild.dockerfile.BuildPlan;
import io.jbuild.dockerfile.BuildPlanner;
import io.jbuild.dockerfile.DockerfileException;
import io.jbuild.dockerfile.DockerfileParser;
import io.jbuild.dockerfile.IgnoreFile;
import io.jbuild.dockerfile.InstructionParser;
import io.jbuild.dockerfile.ParseResult;
import io.jbuild.dockerfile.ParseWarning;
import io.jbuild.dockerfile.PatternMatcher;
import io.jbuild.dockerfile.PlannedStage;
import io.jbuild.dockerfile.PlatformSpec;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidValueException;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.Manifest;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.Platform;
import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.Stored;
import io.jbuild.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The build facade: Dockerfile + context → an image in the store (and the requested outputs).
 * Stages the target needs are built, independent ones in parallel; each RUN runs in a container
 * on an overlay of the layers so far, and each change set becomes a layer.
 */
public final class Builder {
    /** How long an interrupted build waits for its steps to stop before detaching their mounts itself. */
    private static final int STAGE_STOP_SECONDS = 15;

    private final BlobStore store;
    private final java.util.function.Supplier<RegistryClient> registry;

    /** @param registry the client for pulling base images and pushing results; null for store-only builds */
    public Builder(BlobStore store, RegistryClient registry) {
        this(store, () -> registry);
    }

    /**
     * @param registry makes the registry client when a build first needs one (a build from the
     *        cache and the store then never pays for it); may supply null for store-only builds
     */
    public Builder(BlobStore store, java.util.function.Supplier<RegistryClient> registry) {
        this.store = store;
        this.registry = java.util.Objects.requireNonNull(registry, "registry");
    }

    public BuildResult build(BuildRequest request, BuildProgress progress) throws BuildException, InterruptedException {
        if (request.cache().explain()) {
            throw new IllegalArgumentException("a request with --explain-cache goes to explainCache");
        }
        BuildContext ctx = prepare(request, progress);
        ImageState result = runStages(ctx);
        StoredImage image = finish(ctx, result);
        ctx.cache.finish(ctx.plan);
        return new ImageOutputs(ctx).write(image);
    }

    /**
     * {@code --explain-cache}: evaluates every step's cache key, as a build would, and returns one
     * line per step that a build would run or take from the cache:
     * {@code #5 [2/4] RUN make: CACHED} or {@code #6 [3/4] COPY . /src: cache miss: file app.c changed}.
     * No step runs and no image is written (base images may be pulled to read their config);
     * a step after a miss is judged by its own inputs, chained to the missed step's new key.
     */
    public List<String> explainCache(BuildRequest request, BuildProgress progress)
            throws BuildException, InterruptedException {
        if (!request.cache().explain()) {
            throw new IllegalArgumentException("explainCache needs a request with explainCache(true)");
        }
        BuildContext ctx = prepare(request, progress);
        runStages(ctx);
        return ctx.cache.report();
    }

    private BuildContext prepare(BuildRequest request, BuildProgress progress) throws BuildException {
        Path dockerfile = request.dockerfilePath();
        String name = request.dockerfileContent() != null ? "Dockerfile" : dockerfile.getFileName().toString();
        BuildPlan plan;
        PatternMatcher ignore;
        Platform platform;
        try {
            byte[] content = request.dockerfileContent() != null ? request.dockerfileContent() : Files.readAllBytes(dockerfile);
            ParseResult parsed = DockerfileParser.parse(name, content);
            BuildOptions options = BuildOptions.defaults().withBuildArgs(request.buildArgs()).withTarget(request.target());
            if (request.platform() != null) {
                options = options.withTargetPlatform(PlatformSpec.parse(request.platform()));
            }
            plan = BuildPlanner.plan(InstructionParser.parse(parsed), options);
            for (ParseWarning w : parsed.warnings()) {
                progress.warn(w.message());
            }
            for (ParseWarning w : plan.warnings()) {
                progress.warn(w.message());
            }
            ignore = IgnoreFile.load(IgnoreFile.locate(request.contextDir(),
                    request.dockerfileContent() != null ? null : dockerfile));
            platform = request.platform() != null ? Platform.parse(request.platform()).normalize() : Platform.host();
        } catch (NoSuchFileException e) {
            throw new BuildException("read " + dockerfile + ": no such file");
        } catch (IOException e) {
            throw new BuildException("read " + dockerfile + ": " + e, e);
        } catch (DockerfileException e) {
            throw new BuildException(e.getMessage(), e);
        } catch (InvalidValueException e) {
            throw new BuildException("--platform " + request.platform() + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(request.contextDir())) {
            throw new BuildException("build context " + request.contextDir() + " is not a directory");
        }
        return new BuildContext(store, registry, request, plan, ignore, progress, platform, plan.stages().size());
    }

    /** Runs the planned stages, each as soon as the stages it needs are done; returns the target's state. */
    private static ImageState runStages(BuildContext ctx) throws BuildException, InterruptedException {
        ThreadGroup stageThreads = new ThreadGroup("jbuild-build");
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(stageThreads, r, "jbuild-stage");
            t.setDaemon(true);
            return t;
        });
        List<CompletableFuture<ImageState>> all = new ArrayList<>();
        try {
            for (PlannedStage ps : ctx.plan.stages()) {
                List<CompletableFuture<ImageState>> deps = new ArrayList<>();
                for (int d : ps.dependencies()) {
                    deps.add(ctx.stages.get(d));
                }
                CompletableFuture<ImageState> f = CompletableFuture.allOf(deps.toArray(new CompletableFuture<?>[0]))
                        .thenApplyAsync(ignored -> {
                            try {
                                return new StageExecutor(ctx, ps).run();
                            } catch (BuildException e) {
                                throw new CompletionException(e);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new CompletionException(e);
                            }
                        }, pool);
                ctx.stages.put(ps.index(), f);
                all.add(f);
            }
            CompletableFuture<ImageState> target = ctx.stages.get(ctx.plan.target());
            try {
                CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get();
                return target.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                while (cause instanceof CompletionException && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                if (cause instanceof BuildException be) {
                    throw be;
                }
                if (cause instanceof InterruptedException ie) {
                    throw ie;
                }
                throw new BuildException("build failed: " + cause, cause);
            }
        } catch (InterruptedException e) {
            // stop the stages (their containers are killed, their mounts removed) and wait until they have
            pool.shutdownNow();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(STAGE_STOP_SECONDS);
            boolean stopped = false;
            while (!stopped && System.nanoTime() < deadline) {
                try {
                    stopped = pool.awaitTermination(deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (InterruptedException again) {
                    // keep waiting for the cleanup
                }
            }
            if (!stopped) {
                // a step did not finish its cleanup in time: leave no overlay mounted anyway
                StepMount.detachAll(stageThreads);
                for (java.nio.file.Path p : ctx.temporaries) {
                    StepMount.deleteQuietly(p);
                }
            }
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The final config (labels, created time) and manifest, written to the store. */
    private static StoredImage finish(BuildContext ctx, ImageState state) throws BuildException {
        ImageConfig config = state.config();
        if (!ctx.request.labels().isEmpty()) {
            ImageConfig.ContainerConfig c = config.config() == null ? ImageConfig.ContainerConfig.empty() : config.config();
            Map<String, String> labels = new LinkedHashMap<>(c.labels());
            labels.putAll(ctx.request.labels());
            config = config.withConfig(new ImageConfig.ContainerConfig(c.user(), c.exposedPorts(), c.env(),
                    c.entrypoint(), c.cmd(), c.volumes(), c.workingDir(), labels, c.stopSignal(), c.argsEscaped(),
                    c.healthcheck(), c.onBuild(), c.shell()));
        }
        ctx.cache.ensureBlobs(state.layers());
        config = new ImageConfig(created(ctx, config), config.author(), config.architecture(), config.os(), config.osVersion(),
                config.osFeatures(), config.variant(), config.config(), config.rootfs(), config.history());
        try {
            Stored<ImageConfig> storedConfig = Stored.of(config);
            Descriptor configDescriptor = written(ctx, MediaType.OCI_CONFIG, storedConfig);
            Manifest manifest = Manifest.of(configDescriptor, new ImageState(config, state.layers()).ociLayers());
            Stored<Manifest> storedManifest = Stored.of(manifest);
            Descriptor manifestDescriptor = written(ctx, MediaType.OCI_MANIFEST, storedManifest)
                    .withPlatform(config.platform());
            List<String> tags = new ArrayList<>();
            for (String t : ctx.request.tags()) {
                String normalized = normalize(t);
                Descriptor tagged = ctx.store.resolve(normalized).orElse(null);
                if (tagged == null || !tagged.digest().equals(manifestDescriptor.digest())
                        || !java.util.Objects.equals(tagged.platform(), manifestDescriptor.platform())) {
                    ctx.store.tag(normalized, manifestDescriptor); // a rebuild from the cache leaves index.json alone
                }
                tags.add(normalized);
            }
            return new StoredImage(manifestDescriptor, configDescriptor, tags);
        } catch (StoreException e) {
            throw new BuildException("write image: " + e.getMessage(), e);
        }
    }

    /**
     * The image's created time: SOURCE_DATE_EPOCH when given, else the latest history entry's
     * (steps from the cache keep their times, so a rebuild that changes nothing gives the same
     * image), else now.
     */
    private static String created(BuildContext ctx, ImageConfig config) {
        if (ctx.request.sourceDateEpoch() != null) {
            return ctx.now();
        }
        java.time.Instant latest = null;
        String text = null;
        for (ImageConfig.History h : config.history()) {
            if (h.created() == null) {
                continue;
            }
            try {
                java.time.Instant t = java.time.OffsetDateTime.parse(h.created()).toInstant();
                if (latest == null || t.isAfter(latest)) {
                    latest = t;
                    text = h.created();
                }
            } catch (java.time.format.DateTimeParseException ignored) {
                // a base image's odd time does not count
            }
        }
        return text != null ? text : ctx.now();
    }

    /**
     * Prunes the store's step cache: entries unused for longer than {@code maxAge} (null: any
     * age), then the least recently used until their layers total at most {@code keepBytes}
     * (negative: no limit; 0 removes every entry, and the context metadata indexes with them).
     * The layer blobs are left to the store's garbage collection ({@code jbuild prune}).
     */
    public static CachePruneResult pruneCache(BlobStore store, long keepBytes, java.time.Duration maxAge)
            throws BuildException {
        try {
            CachePruneResult result = new StepCache(store).prune(keepBytes, maxAge, java.time.Instant.now());
            if (keepBytes == 0 && maxAge == null) {
                StepMount.deleteQuietly(store.cacheDir().resolve("context"));
            }
            return result;
        } catch (IOException e) {
            throw new BuildException("prune the step cache in " + store.cacheDir() + ": " + e, e);
        }
    }

    /** The layer blobs and diff ids the store's step cache holds: garbage collection keeps them. */
    public static java.util.Set<io.jbuild.layerstore.Digest> cacheRoots(BlobStore store) throws BuildException {
        try {
            return new StepCache(store).roots();
        } catch (IOException e) {
            throw new BuildException("read the step cache in " + store.cacheDir() + ": " + e, e);
        }
    }

    /** Writes a document unless the store has it (a rebuild from the cache writes nothing). */
    private static Descriptor written(BuildContext ctx, String mediaType, Stored<?> document) throws StoreException {
        if (ctx.store.contains(document.digest())) {
            return document.descriptor(mediaType);
        }
        return ctx.store.write(mediaType, document);
    }

    /** {@code app} → {@code docker.io/library/app:latest}, as pull names images in the store. */
    static String normalize(String tag) throws BuildException {
        try {
            ImageReference ref = ImageReference.parse(tag);
            if (ref.digest() != null) {
                throw new BuildException("tag " + tag + ": a tag cannot have a digest");
            }
            return ref.storeName();
        } catch (InvalidValueException e) {
            throw new BuildException("tag \"" + tag + "\": " + e.getMessage(), e);
        }
    }

    /** The image a build wrote into the store. */
    record StoredImage(Descriptor manifest, Descriptor config, List<String> tags) {
    }

    static byte[] json(Object value) {
        return Json.write(value);
    }
}
