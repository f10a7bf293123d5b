package io.jbuild.registry.sign;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.StoreException;
import io.jbuild.registry.NotFoundException;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.RegistryException;
import io.jbuild.registry.RemoteManifest;

import java.io.ByteArrayInputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link SignatureRepository} on a {@link RegistryClient} for one repository. Blobs travel
 * through {@code store} (downloads are digest-verified there), so payloads are checked before use.
 */
public final class RegistrySignatureRepository implements SignatureRepository {
    private final RegistryClient client;
    private final ImageReference repository;
    private final BlobStore store;

    /** @param repository any reference naming the registry and repository; its tag and digest are ignored */
    public RegistrySignatureRepository(RegistryClient client, ImageReference repository, BlobStore store) {
        this.client = Objects.requireNonNull(client, "client");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Optional<byte[]> getManifest(String tag) throws RegistryException {
        try {
            RemoteManifest manifest = client.pullManifest(reference(tag));
            return Optional.of(manifest.bytes());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public byte[] getBlob(Digest digest) throws RegistryException {
        try {
            if (!store.contains(digest)) {
                OptionalLong size = client.checkBlob(repository, digest);
                if (size.isEmpty()) {
                    throw new RegistryException("fetch blob " + digest + ": not found in " + repository.name());
                }
                client.pullBlob(repository, Descriptor.of(MediaType.OCI_LAYER, digest, size.getAsLong()), store);
            }
            byte[] bytes = store.readAll(digest);
            if (!Digest.of(bytes).equals(digest)) {
                throw new RegistryException("fetch blob " + digest + ": content has digest " + Digest.of(bytes));
            }
            return bytes;
        } catch (StoreException e) {
            throw new RegistryException("fetch blob " + digest + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void putBlob(Digest digest, byte[] content) throws RegistryException {
        try {
            Descriptor blob = store.write(MediaType.OCI_LAYER, new ByteArrayInputStream(content));
            if (!blob.digest().equals(digest)) {
                throw new RegistryException("push blob " + digest + ": content has digest " + blob.digest());
            }
            client.pushBlob(repository, blob, store.blobPath(digest), null);
        } catch (StoreException e) {
            throw new RegistryException("push blob " + digest + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void putManifest(String tag, String mediaType, byte[] manifest) throws RegistryException {
        client.pushManifest(reference(tag), mediaType, manifest);
    }

    private ImageReference reference(String tag) {
        return new ImageReference(repository.registry(), repository.repository(), tag, null);
    }
}
