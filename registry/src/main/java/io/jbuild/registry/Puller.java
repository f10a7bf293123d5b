package io.jbuild.registry;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageIndex;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidDocumentException;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.Manifest;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.Platform;
import io.jbuild.layerstore.StoreException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pulls an image into the store: the manifest (from an index, the one for the wanted platform),
 * then config and layers in parallel (blobs already in the store are skipped), then the manifest
 * and index bytes exactly as served, and finally the tag. The tagged descriptor carries the
 * source repository in {@link #SOURCE_ANNOTATION} so that a later push to the same registry can
 * mount instead of upload.
 */
public final class Puller {
    /** Annotation on the store's tag naming where the image came from ({@code registry/repository}). */
    public static final String SOURCE_ANNOTATION = "io.jbuild.registry.source";

    private final RegistryClient client;
    private final BlobStore store;
    private final int parallelism;
    private final TransferListener listener;

    public Puller(RegistryClient client, BlobStore store, int parallelism) {
        this(client, store, parallelism, TransferListener.NONE);
    }

    /** A puller that tells {@code listener} about each blob (config and layers). */
    public Puller(RegistryClient client, BlobStore store, int parallelism, TransferListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null (use TransferListener.NONE)");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism " + parallelism + " must be at least 1");
        }
        this.client = client;
        this.store = store;
        this.parallelism = parallelism;
        this.listener = listener;
    }

    /** This puller with {@code newListener}. */
    public Puller withListener(TransferListener newListener) {
        return new Puller(client, store, parallelism, newListener);
    }

    /**
     * Pulls {@code ref} for {@code platform} (null: the host's) and tags it {@code storeTag}
     * (null: {@code ref} without digest, or with it when pulled by digest only).
     */
    public TransferResult pull(ImageReference ref, Platform platform, String storeTag) throws RegistryException {
        Platform wanted = platform == null ? Platform.host() : platform;
        RemoteManifest top = client.pullManifest(ref);
        RemoteManifest manifest = top;
        Descriptor selected = null;
        if (MediaType.isIndex(top.mediaType())) {
            ImageIndex index = parse(ref, top, ImageIndex.class);
            selected = select(ref, index, wanted);
            manifest = client.pullManifest(ref.withDigest(selected.digest()));
            if (!MediaType.isManifest(manifest.mediaType())) {
                throw new RegistryException("pull " + ref + ": platform " + wanted + " entry "
                        + selected.digest() + " is a " + manifest.mediaType() + ", not an image manifest");
            }
        } else if (!MediaType.isManifest(top.mediaType())) {
            throw new RegistryException("pull " + ref + ": unsupported manifest type " + top.mediaType());
        }
        Manifest m = parse(ref, manifest, Manifest.class);
        List<Descriptor> blobs = new ArrayList<>();
        blobs.add(m.config());
        blobs.addAll(m.layers());
        List<ParallelTasks.Task<Boolean>> tasks = new ArrayList<>();
        ImageReference repo = ref;
        for (Descriptor blob : blobs) {
            if (!blob.urls().isEmpty() && blob.mediaType().contains("nondistributable")
                    || blob.mediaType().equals(MediaType.DOCKER_FOREIGN_LAYER_GZIP)) {
                continue; // foreign layers are not in the registry
            }
            tasks.add(() -> {
                listener.started(blob);
                if (store.contains(blob.digest())) {
                    listener.done(blob, TransferListener.Outcome.SKIPPED);
                    return false;
                }
                client.pullBlob(repo, blob, store, new BlobProgress(listener, blob));
                listener.done(blob, TransferListener.Outcome.TRANSFERRED);
                return true;
            });
        }
        List<Boolean> done = ParallelTasks.run(tasks, parallelism, "pull " + ref);
        int transferred = (int) done.stream().filter(b -> b).count();
        try {
            Descriptor manifestDescriptor = write(manifest);
            if (top != manifest) {
                write(top);
            }
            Map<String, String> annotations = new HashMap<>();
            annotations.put(SOURCE_ANNOTATION, ref.name());
            Descriptor tagged = manifestDescriptor.withAnnotations(annotations);
            if (selected != null && selected.platform() != null) {
                tagged = tagged.withPlatform(selected.platform());
            }
            String name = storeTag != null ? storeTag : ref.storeName();
            store.tag(name, tagged);
            return new TransferResult(tagged, transferred, done.size() - transferred, 0);
        } catch (StoreException e) {
            throw new RegistryException("pull " + ref + ": " + e.getMessage(), e);
        }
    }

    private Descriptor write(RemoteManifest m) throws StoreException {
        Descriptor d = store.write(m.mediaType(), m.bytes());
        return d.digest().equals(m.digest()) ? d : m.descriptor();
    }

    static Descriptor select(ImageReference ref, ImageIndex index, Platform wanted) throws RegistryException {
        List<String> available = new ArrayList<>();
        for (Descriptor d : index.manifests()) {
            if (d.platform() == null) {
                continue;
            }
            if (d.platform().matches(wanted) && MediaType.isManifest(d.mediaType())) {
                return d;
            }
            available.add(d.platform().toString());
        }
        // a variant-less request matches the first entry of the same os/arch
        for (Descriptor d : index.manifests()) {
            if (d.platform() != null && wanted.variant() == null && MediaType.isManifest(d.mediaType())
                    && d.platform().normalize().os().equals(wanted.normalize().os())
                    && d.platform().normalize().architecture().equals(wanted.normalize().architecture())) {
                return d;
            }
        }
        throw new NotFoundException("pull " + ref + ": no manifest for platform " + wanted + " (available: "
                + (available.isEmpty() ? "none" : String.join(", ", available)) + ")", 0, null, null);
    }

    private static <T> T parse(ImageReference ref, RemoteManifest m, Class<T> type) throws RegistryException {
        try {
            return Json.read(m.bytes(), type);
        } catch (InvalidDocumentException e) {
            throw new RegistryException("pull " + ref + ": invalid " + m.mediaType() + " " + m.digest() + ": "
                    + e.getMessage(), e);
        }
    }
}
