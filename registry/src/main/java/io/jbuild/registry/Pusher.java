package io.jbuild.registry;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageIndex;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidDocumentException;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.Manifest;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushes an image from the store: for each manifest, its config and layers in parallel (a
 * {@code HEAD} first, skipping blobs the repository has; a cross-repository mount when the image
 * came from another repository of the same registry), then the manifest; for an index, its
 * manifests first (by digest) and the index last. The root is pushed under the target's tag (or
 * digest).
 */
public final class Pusher {
    private final RegistryClient client;
    private final BlobStore store;
    private final int parallelism;
    private final TransferListener listener;

    public Pusher(RegistryClient client, BlobStore store, int parallelism) {
        this(client, store, parallelism, TransferListener.NONE);
    }

    /** A pusher that tells {@code listener} about each blob (config and layers). */
    public Pusher(RegistryClient client, BlobStore store, int parallelism, TransferListener listener) {
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

    /** This pusher with {@code newListener}. */
    public Pusher withListener(TransferListener newListener) {
        return new Pusher(client, store, parallelism, newListener);
    }

    /** Pushes the image the store tags {@code storeTag}. */
    public TransferResult push(String storeTag, ImageReference target) throws RegistryException {
        Descriptor root;
        try {
            root = store.resolve(storeTag).orElseThrow(() -> new NotFoundException("push " + storeTag + " to "
                    + target + ": no such image in the store", 0, null, null));
        } catch (StoreException e) {
            throw new RegistryException("push " + storeTag + " to " + target + ": " + e.getMessage(), e);
        }
        String source = root.annotations().get(Puller.SOURCE_ANNOTATION);
        String mountFrom = null;
        if (source != null && source.startsWith(target.registry() + "/")) {
            mountFrom = source.substring(target.registry().length() + 1);
        }
        return push(root, target, mountFrom);
    }

    /** Pushes the manifest or index {@code root} (in the store) to {@code target}; {@code mountFrom} names a repository of the same registry to mount blobs from. */
    public TransferResult push(Descriptor root, ImageReference target, String mountFrom) throws RegistryException {
        Counts counts = new Counts();
        Descriptor pushed;
        if (MediaType.isIndex(root.mediaType())) {
            ImageIndex index = read(root, ImageIndex.class, target);
            for (Descriptor child : index.manifests()) {
                if (MediaType.isManifest(child.mediaType())) {
                    pushManifest(child, target.withDigest(child.digest()), mountFrom, counts);
                } else if (MediaType.isIndex(child.mediaType())) {
                    push(child, target.withDigest(child.digest()), mountFrom);
                }
            }
            pushed = client.pushManifest(target, root.mediaType(), bytes(root, target));
        } else {
            pushed = pushManifest(root, target, mountFrom, counts);
        }
        return new TransferResult(pushed, counts.transferred.get(), counts.skipped.get(), counts.mounted.get());
    }

    private static final class Counts {
        final AtomicInteger transferred = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        final AtomicInteger mounted = new AtomicInteger();
    }

    private Descriptor pushManifest(Descriptor descriptor, ImageReference target, String mountFrom, Counts counts)
            throws RegistryException {
        Manifest manifest = read(descriptor, Manifest.class, target);
        List<Descriptor> blobs = new ArrayList<>();
        blobs.add(manifest.config());
        blobs.addAll(manifest.layers());
        List<ParallelTasks.Task<Void>> tasks = new ArrayList<>();
        java.util.Set<io.jbuild.layerstore.Digest> seen = new java.util.HashSet<>();
        for (Descriptor blob : blobs) {
            if (!seen.add(blob.digest())) {
                continue;
            }
            if (!store.contains(blob.digest())) {
                if (!blob.urls().isEmpty()) {
                    continue; // non-distributable layer: registries accept the manifest without it
                }
                throw new RegistryException("push " + target + ": blob " + blob.digest()
                        + " is not in the store; pull the image again");
            }
            tasks.add(() -> {
                listener.started(blob);
                if (client.checkBlob(target, blob.digest()).isPresent()) {
                    counts.skipped.incrementAndGet();
                    listener.done(blob, TransferListener.Outcome.SKIPPED);
                    return null;
                }
                boolean mounted = client.pushBlob(target, blob, store.blobPath(blob.digest()), mountFrom,
                        new BlobProgress(listener, blob));
                (mounted ? counts.mounted : counts.transferred).incrementAndGet();
                listener.done(blob, mounted ? TransferListener.Outcome.MOUNTED : TransferListener.Outcome.TRANSFERRED);
                return null;
            });
        }
        ParallelTasks.run(tasks, parallelism, "push " + target);
        return client.pushManifest(target, descriptor.mediaType(), bytes(descriptor, target));
    }

    private byte[] bytes(Descriptor d, ImageReference target) throws RegistryException {
        try {
            return store.readAll(d.digest());
        } catch (StoreException e) {
            throw new RegistryException("push " + target + ": " + e.getMessage(), e);
        }
    }

    private <T> T read(Descriptor d, Class<T> type, ImageReference target) throws RegistryException {
        try {
            return Json.read(bytes(d, target), type);
        } catch (InvalidDocumentException e) {
            throw new RegistryException("push " + target + ": " + d.digest() + ": " + e.getMessage(), e);
        }
    }
}
