package io.jbuild.builder;

import io.jbuild.dockerfile.BuildPlan;
import io.jbuild.dockerfile.PatternMatcher;
import io.jbuild.dockerfile.PlannedStage;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Layer;
import io.jbuild.layerstore.LayerWriter;
import io.jbuild.layerstore.StoreException;
import io.jbuild.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One build's use of the step cache: the local {@link StepCache}, the context's
 * {@link ContextHasher}, the caches imported with {@code --cache-from}, each stage's last key
 * (which {@code COPY --from} and stages built on it chain from), the results to export with
 * {@code --cache-to}, and the {@code --explain-cache} report. Thread-safe: stages run in parallel.
 */
final class BuildCache {
    private final BlobStore store;
    private final java.util.function.Supplier<RegistryClient> registry;
    private final BuildRequest request;
    private final StepCache steps;
    private final ContextHasher hasher;
    private final RemoteCache remote;
    private final Map<Integer, CacheKey> stageKeys = new ConcurrentHashMap<>();
    private final Map<Integer, List<RemoteCache.Record>> records = new ConcurrentHashMap<>();
    private final Map<Integer, String> report = new TreeMap<>();
    private final Map<String, Boolean> mountsUsed = new ConcurrentHashMap<>();

    BuildCache(BlobStore store, java.util.function.Supplier<RegistryClient> registry, BuildRequest request,
               java.util.function.Consumer<String> warn) {
        this.store = store;
        this.registry = registry;
        this.request = request;
        this.steps = new StepCache(store);
        this.hasher = new ContextHasher(store.cacheDir().resolve("context"));
        this.remote = request.cache().cacheFrom().isEmpty() ? RemoteCache.empty(store)
                : RemoteCache.load(request.cache().cacheFrom(), store, registry.get(), warn);
    }

    /** Whether the steps of {@code stage} may come from the cache ({@code --no-cache}, {@code --no-cache-filter}). */
    boolean enabled(PlannedStage stage) {
        if (request.noCache()) {
            return false;
        }
        var filter = request.cache().noCacheFilter();
        return filter.isEmpty() || !(filter.contains(Integer.toString(stage.index()))
                || (stage.stage().name() != null && filter.contains(stage.stage().name())));
    }

    boolean explainOnly() {
        return request.cache().explain();
    }

    /** The files of the build context {@code sources} select (content digests; the index makes it cheap). */
    ContextHasher.Selection context(Path contextDir, PatternMatcher ignore, List<String> sources) throws BuildException {
        try {
            return hasher.select(contextDir, ignore, sources, true);
        } catch (IOException e) {
            throw new BuildException("compute cache key: read build context " + contextDir + ": " + e.getMessage(), e);
        }
    }

    /** A stored result for {@code key}: local, or imported (its blob then fetched when needed). */
    Optional<StepCache.Entry> lookup(CacheKey key) {
        Optional<StepCache.Entry> local = steps.lookup(key.digest(),
                blob -> store.contains(blob) || remote.canFetch(blob));
        if (local.isPresent()) {
            return local;
        }
        Optional<StepCache.Entry> imported = remote.lookup(key.digest());
        imported.ifPresent(e -> {
            try {
                steps.put(key, e);
            } catch (IOException ignored) {
                // recording the imported entry locally only saves a lookup next time
            }
        });
        return imported;
    }

    /** Why {@code key} missed, against the key the same step had last time. */
    List<String> explainMiss(String step, CacheKey key) {
        return key.explainMiss(steps.previous(step).orElse(null));
    }

    /** Remembers {@code key} as the step's latest (for the next explanation). */
    void remember(String step, CacheKey key) {
        try {
            steps.remember(step, key.digest());
        } catch (IOException ignored) {
            // only explanations need it
        }
    }

    /** Stores a step's result (also with {@code --no-cache}, as BuildKit does) and keeps it for export. */
    void store(int stage, CacheKey key, StepCache.Entry entry) throws BuildException {
        try {
            steps.put(key, entry);
        } catch (IOException e) {
            throw new BuildException("write step cache entry " + key.digest() + ": " + e.getMessage(), e);
        }
        used(stage, key, entry);
    }

    /** Keeps a hit for export. */
    void used(int stage, CacheKey key, StepCache.Entry entry) {
        records.computeIfAbsent(stage, s -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(new RemoteCache.Record(key.digest(), entry));
    }

    void stageKey(int stage, CacheKey key) {
        stageKeys.put(stage, key);
    }

    /** The last key of a finished stage, null when it is not known. */
    CacheKey stageKey(int stage) {
        return stageKeys.get(stage);
    }

    /** Fetches the blobs of {@code layers} an imported cache supplies and the store lacks. */
    void ensureBlobs(List<Descriptor> layers) throws BuildException {
        for (Descriptor d : layers) {
            if (!store.contains(d.digest()) && remote.canFetch(d.digest())) {
                remote.fetch(d);
            }
        }
    }

    /**
     * Whether base images are resolved lazily (manifest and config only, layers when needed):
     * when a cache was imported, so that steps that hit never pull the layers under them.
     */
    boolean lazyBases() {
        return !remote.isEmpty() || request.cache().explain();
    }

    /** A registry base image with its layers left remote (see {@link RemoteCache#lazyBase}). */
    ImageState lazyBase(RegistryClient client, io.jbuild.layerstore.ImageReference ref,
                        io.jbuild.layerstore.Platform platform) throws BuildException {
        return remote.lazyBase(client, ref, platform);
    }

    /** The directory of the cache mount {@code id}: {@code <store>/cache/mounts/<sha256(id)>}. */
    Path mountDir(String id) {
        String key = io.jbuild.layerstore.Digest.of(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)).encoded();
        return store.cacheDir().resolve("mounts").resolve(key);
    }

    /**
     * Records that a RUN mounts the cache mount {@code id} (for {@code cache-mounts=true}) and,
     * when its directory does not exist yet and an imported cache carries it, restores it there
     * (see {@link RemoteCache#restoreMount}). Returns the directory, which may still not exist.
     */
    Path mount(String id) throws BuildException {
        mountsUsed.put(id, Boolean.TRUE);
        Path dir = mountDir(id);
        remote.restoreMount(id, dir);
        return dir;
    }

    /**
     * Records that a RUN taken from the cache declares the cache mount {@code id}: an export with
     * {@code cache-mounts=true} carries it on (from the local directory, else from the imported
     * cache), so a build that hits every step does not drop the mount from the cache it exports.
     */
    void mountDeclared(String id) {
        mountsUsed.put(id, Boolean.TRUE);
    }

    /** Adds a line to the {@code --explain-cache} report. */
    synchronized void report(int stepNumber, String line) {
        report.put(stepNumber, line);
    }

    /** The {@code --explain-cache} report, in step order. */
    synchronized List<String> report() {
        return List.copyOf(report.values());
    }

    /** Saves the context index and exports to each {@code --cache-to}. */
    void finish(BuildPlan plan) throws BuildException {
        try {
            hasher.save();
        } catch (IOException e) {
            // the index only saves time next build
        }
        List<RemoteCache.MountRecord> mounts = null;
        for (CacheSpec to : request.cache().cacheTo()) {
            if (to.cacheMounts() && mounts == null) {
                mounts = exportMounts();
            }
            List<RemoteCache.Record> out = new ArrayList<>();
            if (to.maxMode()) {
                records.values().forEach(out::addAll);
            } else {
                int s = plan.target();
                while (s >= 0) {
                    out.addAll(records.getOrDefault(s, List.of()));
                    s = plan.stages().get(s).baseStage();
                }
            }
            RemoteCache.export(to, out, to.cacheMounts() ? mounts : List.of(), store, registry.get());
        }
    }

    /**
     * Each cache mount this build used, as a layer in the store: a deterministic gzip tar of its
     * directory (mtimes clamped to the request's SOURCE_DATE_EPOCH, else 0), or the imported
     * cache's layer when the directory does not exist here. Sorted by id.
     */
    private List<RemoteCache.MountRecord> exportMounts() throws BuildException {
        List<RemoteCache.MountRecord> out = new ArrayList<>();
        Long epoch = request.sourceDateEpoch();
        LayerWriter writer = new LayerWriter(LayerWriter.Options.defaults()
                .withCompression(LayerWriter.Compression.GZIP).withOverlay(false)
                .withSourceDateEpoch(epoch == null ? 0L : epoch));
        for (String id : new java.util.TreeSet<>(mountsUsed.keySet())) {
            Path dir = mountDir(id);
            if (java.nio.file.Files.isDirectory(dir)) {
                try {
                    Map<String, Object> attrs = java.nio.file.Files.readAttributes(dir, "unix:uid,gid,mode");
                    Layer layer = writer.write(dir, store);
                    out.add(new RemoteCache.MountRecord(id, (Integer) attrs.get("uid"), (Integer) attrs.get("gid"),
                            ((Integer) attrs.get("mode")) & 07777, layer.descriptor()));
                } catch (IOException | StoreException e) {
                    throw new BuildException("export cache mount " + id + ": " + e.getMessage(), e);
                }
            } else {
                Optional<RemoteCache.MountRecord> imported = remote.mount(id);
                if (imported.isPresent()) {
                    remote.fetch(imported.get().layer());
                    out.add(imported.get());
                }
            }
        }
        return out;
    }
}
