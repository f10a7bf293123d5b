package io.jbuild.registry.sign;

import io.jbuild.layerstore.Digest;
import io.jbuild.registry.RegistryException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A repository in memory; records the order of writes. */
final class InMemorySignatureRepository implements SignatureRepository {
    final Map<String, byte[]> manifests = new HashMap<>();
    final Map<String, String> manifestTypes = new HashMap<>();
    final Map<Digest, byte[]> blobs = new HashMap<>();
    final List<String> writes = new ArrayList<>();

    @Override
    public Optional<byte[]> getManifest(String tag) {
        return Optional.ofNullable(manifests.get(tag)).map(byte[]::clone);
    }

    @Override
    public byte[] getBlob(Digest digest) throws RegistryException {
        byte[] blob = blobs.get(digest);
        if (blob == null) {
            throw new RegistryException("fetch blob " + digest + ": not found");
        }
        return blob.clone();
    }

    @Override
    public void putBlob(Digest digest, byte[] content) {
        if (!Digest.of(content).equals(digest)) {
            throw new AssertionError("blob content does not match " + digest);
        }
        writes.add("blob " + digest);
        blobs.put(digest, content.clone());
    }

    @Override
    public void putManifest(String tag, String mediaType, byte[] manifest) {
        writes.add("manifest " + tag);
        manifests.put(tag, manifest.clone());
        manifestTypes.put(tag, mediaType);
    }
}
