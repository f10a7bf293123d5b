package io.jbuild.builder;

import io.jbuild.dockerfile.BuildPlan;
import io.jbuild.dockerfile.PatternMatcher;
import io.jbuild.dockerfile.PlannedStage;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.LayerWriter;
import io.jbuild.layerstore.Platform;
import io.jbuild.registry.RegistryClient;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What every step of one build shares: the request, the plan, the store, the runtime, the stage results. */
final class BuildContext {
    final BlobStore store;
    private final java.util.function.Supplier<RegistryClient> registrySupplier;
    private RegistryClient registry;
    private boolean registryMade;
    final BuildRequest request;
    final BuildPlan plan;
    final Path contextDir;
    final PatternMatcher ignore;
    final BuildProgress progress;
    final Platform platform;
    final LayerWriter.Options layerOptions;
    private FileCopier copier;
    final BuildCache cache;
    final Map<Integer, CompletableFuture<ImageState>> stages = new ConcurrentHashMap<>();
    /** Temporary directories the steps made (bundles, secrets) that an interrupted build removes if its steps do not. */
    final java.util.Set<java.nio.file.Path> temporaries = ConcurrentHashMap.newKeySet();
    /** Each finished stage's environment and ARGs, which a stage built FROM it inherits (as BuildKit's state). */
    final Map<Integer, StageVariables> stageVariables = new ConcurrentHashMap<>();
    private final AtomicInteger stepNumbers = new AtomicInteger();
    private final boolean multiStage;
    private ContainerRuntime runtime;

    BuildContext(BlobStore store, java.util.function.Supplier<RegistryClient> registry, BuildRequest request, BuildPlan plan,
                 PatternMatcher ignore, BuildProgress progress, Platform platform, int stageCount) {
        this.store = store;
        this.registrySupplier = registry;
        this.request = request;
        this.plan = plan;
        this.contextDir = request.contextDir();
        this.ignore = ignore;
        this.progress = progress;
        this.platform = platform;
        this.multiStage = stageCount > 1;
        LayerWriter.Options options = LayerWriter.Options.defaults().withOverlay(true)
                .withCompression(request.compression());
        if (request.sourceDateEpoch() != null) {
            options = options.withSourceDateEpoch(request.sourceDateEpoch());
        }
        this.layerOptions = options;
        this.cache = new BuildCache(store, this::registry, request, progress::warn);
    }

    /** A finished stage's expansion environment (Env plus ARGs) and declared ARGs, in order. */
    record StageVariables(Map<String, String> env, Map<String, String> args) {
        StageVariables {
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
            args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        }
    }

    /** The COPY/ADD performer, made on first use (its HTTP client costs a fifth of a second to make). */
    synchronized FileCopier copier() {
        if (copier == null) {
            copier = new FileCopier(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build());
        }
        return copier;
    }

    /** The registry client (made on first use), null for store-only builds. */
    synchronized RegistryClient registry() {
        if (!registryMade) {
            registry = registrySupplier.get();
            registryMade = true;
        }
        return registry;
    }

    /** The next progress step number (BuildKit numbers vertices from 1). */
    int nextStep() {
        return stepNumbers.incrementAndGet();
    }

    /** The step name BuildKit shows: {@code [stage-1 2/3] RUN make}, without the stage in a one-stage build. */
    String stepName(PlannedStage stage, int index, int total, String text) {
        String label = stage.stage().name() != null ? stage.stage().name() : "stage-" + stage.index();
        String line = text.strip();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl);
        }
        return "[" + (multiStage ? label + " " : "") + index + "/" + total + "] " + line;
    }

    /** The OCI runtime, detected on first use. */
    synchronized ContainerRuntime runtime() throws BuildException {
        if (runtime == null) {
            runtime = ContainerRuntimes.detect(request.runtime(), progress::warn);
        }
        return runtime;
    }

    /** The time to record as {@code created}: SOURCE_DATE_EPOCH when given, else now. */
    String now() {
        Instant t = request.sourceDateEpoch() != null ? Instant.ofEpochSecond(request.sourceDateEpoch())
                : Instant.now().with(java.time.temporal.ChronoField.NANO_OF_SECOND,
                        Instant.now().getNano() / 1000 * 1000L);
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
    }
}
