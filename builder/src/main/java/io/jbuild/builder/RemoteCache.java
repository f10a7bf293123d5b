package io.jbuild.builder;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidDocumentException;
import io.jbuild.layerstore.InvalidValueException;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.Manifest;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.Stored;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.RegistryException;
import io.jbuild.registry.RemoteManifest;
import io.jbuild.registry.TransferListener;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Step cache entries shared between machines ({@code --cache-to}, {@code --cache-from}). A cache
 * is an OCI image manifest with artifact type {@value #ARTIFACT_TYPE}: its config blob
 * ({@value #CONFIG_TYPE}) maps cache keys to step results (layer descriptor and diff id, history
 * entry), its layers are those steps' layer blobs. It lives in a registry
 * ({@code type=registry,ref=REF}) or in an OCI image layout directory tagged {@value #LOCAL_TAG}
 * ({@code type=local,dest=DIR} / {@code src=DIR}).
 *
 * <p>Importing reads only the manifest and the config; a layer blob is fetched when a step that
 * hits needs it ({@link #fetch}), so layers of steps that are never mounted or exported stay remote.
 *
 * <p>With {@code cache-mounts=true} the export also carries the contents of the
 * {@code RUN --mount=type=cache} directories the build used: each as one more gzip layer (a
 * deterministic tar of the directory), listed in the config's {@code mounts} by cache id with the
 * directory's owner and mode. The contents are exported as they are: whatever a step left in a
 * cache mount (downloaded packages, but also anything else it wrote there) goes to the cache's
 * readers; that is what a user opts into with {@code cache-mounts=true}. Secrets never enter it
 * (secret mounts are not cache mounts). An imported mount is restored lazily, when a RUN first
 * mounts its id and the store has no directory for it ({@link #restoreMount}); an existing local
 * cache mount is never overwritten.
 */
final class RemoteCache {
    static final String ARTIFACT_TYPE = "application/vnd.jbuild.cache.v1";
    static final String CONFIG_TYPE = "application/vnd.jbuild.cache.config.v1+json";
    static final String LOCAL_TAG = "cache";
    private static final int PARALLELISM = 4;

    /** One exported step: its key and its result. */
    record Record(Digest key, StepCache.Entry entry) {
        Record {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(entry, "entry");
        }
    }

    /**
     * One exported cache mount: its id, its directory's owner and permission bits, and the layer
     * holding its contents.
     */
    record MountRecord(String id, int uid, int gid, int mode, Descriptor layer) {
        MountRecord {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(layer, "layer");
        }
    }

    /** The config blob of a cache manifest; {@code mounts} is empty unless exported with {@code cache-mounts=true}. */
    record Document(List<Record> entries, List<MountRecord> mounts) {
        Document {
            entries = entries == null ? List.of() : List.copyOf(entries);
            mounts = mounts == null ? List.of() : List.copyOf(mounts);
        }

        Document(List<Record> entries) {
            this(entries, List.of());
        }
    }

    /** Where imported entries' blobs come from. */
    private interface Source {
        void fetch(Descriptor blob, BlobStore into) throws BuildException;
    }

    private final BlobStore store;
    private final Map<Digest, StepCache.Entry> entries = new HashMap<>();
    private final Map<Digest, Source> blobSources = new HashMap<>();
    private final Map<String, MountRecord> mounts = new HashMap<>();

    private RemoteCache(BlobStore store) {
        this.store = store;
    }

    /** A cache with nothing imported. */
    static RemoteCache empty(BlobStore store) {
        return new RemoteCache(store);
    }

    /**
     * Imports the manifests and configs of {@code from}; a source that cannot be read is reported
     * to {@code warn} and skipped, as BuildKit does.
     */
    static RemoteCache load(List<CacheSpec> from, BlobStore store, RegistryClient client, Consumer<String> warn) {
        RemoteCache cache = new RemoteCache(store);
        for (CacheSpec spec : from) {
            try {
                cache.add(spec, client);
            } catch (BuildException e) {
                warn.accept("import cache " + describe(spec) + ": " + e.getMessage());
            }
        }
        return cache;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    /** The imported entry for {@code key}. */
    synchronized Optional<StepCache.Entry> lookup(Digest key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The imported cache mount with {@code id}. */
    synchronized Optional<MountRecord> mount(String id) {
        return Optional.ofNullable(mounts.get(id));
    }

    /**
     * Restores the imported cache mount {@code id} at {@code dir} when an imported cache has it
     * and {@code dir} does not exist: its layer is fetched, extracted (ROOTFS mode) into a
     * directory under the store's {@code tmp/} and renamed to {@code dir} atomically. When another
     * build creates {@code dir} first, theirs is kept. Returns whether {@code dir} now exists.
     */
    boolean restoreMount(String id, Path dir) throws BuildException {
        Optional<MountRecord> record = mount(id);
        if (record.isEmpty() || java.nio.file.Files.exists(dir)) {
            return java.nio.file.Files.exists(dir);
        }
        MountRecord m = record.get();
        fetch(m.layer());
        Path staged = null;
        try {
            staged = store.createTempDirectory("cache-import");
            try (InputStream in = store.open(m.layer().digest())) {
                io.jbuild.layerstore.TarExtractor.of(io.jbuild.layerstore.TarExtractor.Mode.ROOTFS).extract(in, staged);
            }
            PosixFiles.lchown(staged, m.uid(), m.gid());
            PosixFiles.chmod(staged, m.mode() & 07777);
            try {
                java.nio.file.Files.move(staged, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                staged = null;
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another build created it first: keep theirs
            }
            return true;
        } catch (StoreException | java.io.IOException e) {
            throw new BuildException("restore cache mount " + id + ": " + e.getMessage(), e);
        } finally {
            if (staged != null) {
                StepMount.deleteQuietly(staged);
            }
        }
    }

    /** Whether an imported cache can supply {@code blob}. */
    synchronized boolean canFetch(Digest blob) {
        return blobSources.containsKey(blob);
    }

    /** Brings {@code blob} into the store from the cache that listed it (nothing when already there). */
    void fetch(Descriptor blob) throws BuildException {
        if (store.contains(blob.digest())) {
            return;
        }
        Source source;
        synchronized (this) {
            source = blobSources.get(blob.digest());
        }
        if (source == null) {
            throw new BuildException("fetch cached layer " + blob.digest() + ": no imported cache has it");
        }
        source.fetch(blob, store);
    }

    /**
     * A registry base image with only its manifest and config fetched: its layer blobs are pulled
     * by {@link #fetch} when a step mounts them or the image being built includes them. The image
     * is not tagged in the store (it is incomplete until then).
     */
    ImageState lazyBase(RegistryClient client, ImageReference ref, io.jbuild.layerstore.Platform platform)
            throws BuildException {
        try {
            RemoteManifest top = client.pullManifest(ref);
            RemoteManifest remote = top;
            if (MediaType.isIndex(top.mediaType())) {
                io.jbuild.layerstore.ImageIndex index = Json.read(top.bytes(), io.jbuild.layerstore.ImageIndex.class);
                Descriptor chosen = null;
                for (Descriptor d : index.manifests()) {
                    if (d.platform() != null && MediaType.isManifest(d.mediaType())
                            && d.platform().normalize().os().equals(platform.normalize().os())
                            && d.platform().normalize().architecture().equals(platform.normalize().architecture())
                            && (platform.variant() == null || d.platform().matches(platform))) {
                        chosen = d;
                        break;
                    }
                }
                if (chosen == null) {
                    throw new BuildException("pull " + ref + ": no manifest for platform " + platform);
                }
                remote = client.pullManifest(ref.withDigest(chosen.digest()));
            }
            Manifest manifest = Json.read(remote.bytes(), Manifest.class);
            client.pullBlob(ref, manifest.config(), store);
            store.write(remote.mediaType(), remote.bytes());
            io.jbuild.layerstore.ImageConfig config = store.readDocument(manifest.config().digest(),
                    io.jbuild.layerstore.ImageConfig.class).value();
            if (config.config() == null) {
                config = config.withConfig(io.jbuild.layerstore.ImageConfig.ContainerConfig.empty());
            }
            Source source = (blob, into) -> {
                try {
                    client.pullBlob(ref, blob, into);
                } catch (RegistryException e) {
                    throw new BuildException("pull layer " + blob.digest() + " of " + ref + ": " + e.getMessage(), e);
                }
            };
            synchronized (this) {
                for (Descriptor layer : manifest.layers()) {
                    blobSources.putIfAbsent(layer.digest(), source);
                }
            }
            return new ImageState(config, manifest.layers());
        } catch (RegistryException | StoreException e) {
            throw new BuildException("pull " + ref + ": " + e.getMessage(), e);
        }
    }

    private synchronized void add(CacheSpec spec, RegistryClient client) throws BuildException {
        Manifest manifest;
        Document document;
        Source source;
        if (spec.type().equals("registry")) {
            if (client == null) {
                throw new BuildException("no registry access");
            }
            ImageReference ref = reference(spec);
            try {
                RemoteManifest remote = client.pullManifest(ref);
                manifest = Json.read(remote.bytes(), Manifest.class);
                client.pullBlob(ref, manifest.config(), store);
                document = Json.read(store.readAll(manifest.config().digest()), Document.class);
            } catch (RegistryException | StoreException e) {
                throw new BuildException(e.getMessage(), e);
            }
            source = (blob, into) -> {
                try {
                    client.pullBlob(ref, blob, into);
                } catch (RegistryException e) {
                    throw new BuildException("pull cached layer " + blob.digest() + " from " + ref + ": "
                            + e.getMessage(), e);
                }
            };
        } else {
            Path dir = Path.of(spec.attribute("src"));
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new BuildException(dir + " is not a directory");
            }
            try {
                BlobStore layout = BlobStore.open(dir);
                Descriptor root = layout.resolve(LOCAL_TAG).orElseThrow(
                        () -> new BuildException("no manifest tagged " + LOCAL_TAG + " in " + dir));
                manifest = layout.readDocument(root.digest(), Manifest.class).value();
                document = Json.read(layout.readAll(manifest.config().digest()), Document.class);
                source = (blob, into) -> {
                    try (InputStream in = layout.open(blob.digest())) {
                        into.write(blob, in);
                    } catch (StoreException | java.io.IOException e) {
                        throw new BuildException("copy cached layer " + blob.digest() + " from " + dir + ": "
                                + e.getMessage(), e);
                    }
                };
            } catch (StoreException e) {
                throw new BuildException(e.getMessage(), e);
            }
        }
        if (!CONFIG_TYPE.equals(manifest.config().mediaType())) {
            throw new BuildException("not a jbuild cache (config media type " + manifest.config().mediaType() + ")");
        }
        for (Record r : document.entries()) {
            entries.putIfAbsent(r.key(), r.entry());
            if (r.entry().hasLayer()) {
                blobSources.putIfAbsent(r.entry().layer().digest(), source);
            }
        }
        for (MountRecord m : document.mounts()) {
            if (mounts.putIfAbsent(m.id(), m) == null) {
                blobSources.putIfAbsent(m.layer().digest(), source);
            }
        }
    }

    /**
     * Exports {@code records} (whose layer blobs are in the store) to {@code to}: pushed to a
     * registry, or written as an OCI layout directory.
     */
    static void export(CacheSpec to, List<Record> records, BlobStore store, RegistryClient client)
            throws BuildException {
        export(to, records, List.of(), store, client);
    }

    /**
     * Exports {@code records} and the cache mounts {@code mounts} (all blobs in the store) to
     * {@code to}; the mounts' layers follow the steps' layers in the manifest.
     */
    static void export(CacheSpec to, List<Record> records, List<MountRecord> mounts, BlobStore store,
                       RegistryClient client) throws BuildException {
        Map<Digest, Record> unique = new LinkedHashMap<>();
        Map<Digest, Descriptor> layers = new LinkedHashMap<>();
        for (Record r : records) {
            unique.putIfAbsent(r.key(), r);
            if (r.entry().hasLayer()) {
                layers.putIfAbsent(r.entry().layer().digest(), r.entry().layer());
            }
        }
        Map<String, MountRecord> uniqueMounts = new LinkedHashMap<>();
        for (MountRecord m : mounts) {
            uniqueMounts.putIfAbsent(m.id(), m);
            layers.putIfAbsent(m.layer().digest(), m.layer());
        }
        Document document = new Document(new ArrayList<>(unique.values()), new ArrayList<>(uniqueMounts.values()));
        Stored<Document> config = Stored.of(document);
        Descriptor configDescriptor = config.descriptor(CONFIG_TYPE);
        Manifest manifest = new Manifest(2, MediaType.OCI_MANIFEST, ARTIFACT_TYPE, configDescriptor,
                new ArrayList<>(layers.values()), null, null);
        Stored<Manifest> storedManifest = Stored.of(manifest);
        try {
            if (to.type().equals("registry")) {
                if (client == null) {
                    throw new BuildException("export cache " + describe(to) + ": no registry access");
                }
                store.write(CONFIG_TYPE, config);
                Descriptor root = store.write(MediaType.OCI_MANIFEST, storedManifest);
                new Pusher(client, store, PARALLELISM, TransferListener.NONE).push(root, reference(to), null);
            } else {
                Path dir = Path.of(to.attribute("dest"));
                java.nio.file.Files.createDirectories(dir);
                BlobStore layout = BlobStore.open(dir);
                for (Descriptor layer : layers.values()) {
                    try (InputStream in = store.open(layer.digest())) {
                        layout.write(layer, in);
                    }
                }
                layout.write(CONFIG_TYPE, config);
                Descriptor root = layout.write(MediaType.OCI_MANIFEST, storedManifest);
                layout.tag(LOCAL_TAG, root);
            }
        } catch (StoreException | RegistryException | java.io.IOException e) {
            throw new BuildException("export cache " + describe(to) + ": " + e.getMessage(), e);
        }
    }

    private static ImageReference reference(CacheSpec spec) throws BuildException {
        try {
            return ImageReference.parse(spec.attribute("ref"));
        } catch (InvalidValueException e) {
            throw new BuildException("cache ref \"" + spec.attribute("ref") + "\": " + e.getMessage(), e);
        }
    }

    static String describe(CacheSpec spec) {
        return spec.type().equals("registry") ? spec.attribute("ref")
                : spec.attribute(spec.attributes().containsKey("dest") ? "dest" : "src");
    }

    /** For tests: the imported document of a stored cache manifest. */
    static Document read(BlobStore layout, Descriptor manifest) throws StoreException, InvalidDocumentException {
        Manifest m = layout.readDocument(manifest.digest(), Manifest.class).value();
        return Json.read(layout.readAll(m.config().digest()), Document.class);
    }
}
