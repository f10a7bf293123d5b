package io.jbuild.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageIndex;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidDocumentException;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.Stored;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The referrers tag-schema fallback on push: when a registry stores a manifest with a
 * {@code subject} without answering {@code OCI-Subject}, the client appends the manifest's
 * descriptor (with {@code artifactType} and annotations) to the index tagged
 * {@code <alg>-<encoded>} of the subject.
 */
final class ReferrersTagUpdater {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final RegistryTransport transport;

    ReferrersTagUpdater(RegistryTransport transport) {
        this.transport = transport;
    }

    /** The subject digest of a manifest's JSON, or null. */
    static Digest subjectOf(byte[] manifest) {
        try {
            JsonNode subject = MAPPER.readTree(manifest).path("subject").path("digest");
            return subject.isTextual() ? Digest.fromString(subject.asText()) : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The descriptor a referrers index lists for this manifest. */
    static Descriptor referrerDescriptor(Descriptor pushed, byte[] manifest) {
        try {
            JsonNode json = MAPPER.readTree(manifest);
            String artifactType = json.path("artifactType").isTextual() ? json.path("artifactType").asText()
                    : json.path("config").path("mediaType").isTextual() ? json.path("config").path("mediaType").asText()
                    : null;
            Map<String, String> annotations = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.path("annotations").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                annotations.put(e.getKey(), e.getValue().asText());
            }
            return new Descriptor(pushed.mediaType(), pushed.digest(), pushed.size(), null, annotations, null,
                    artifactType, null);
        } catch (IOException e) {
            return pushed;
        }
    }

    void add(ImageReference repo, Digest subject, Descriptor referrer) throws RegistryException {
        ImageReference tagRef = repo.withTag(ReferrersLister.referrersTag(subject));
        ImageIndex index;
        try {
            RemoteManifest current = new ManifestFetcher(transport).get(tagRef);
            try {
                index = Json.read(current.bytes(), ImageIndex.class);
            } catch (InvalidDocumentException e) {
                throw new RegistryException("update referrers of " + repo.name() + "@" + subject + ": tag "
                        + tagRef.tag() + " does not hold an image index: " + e.getMessage());
            }
        } catch (NotFoundException e) {
            index = ImageIndex.of(java.util.List.of());
        }
        if (index.manifests().stream().anyMatch(d -> d.digest().equals(referrer.digest()))) {
            return;
        }
        Stored<ImageIndex> updated = Stored.of(index.plus(referrer));
        new ManifestUploader(transport).put(tagRef, index.mediaType() == null ? MediaType.OCI_INDEX : index.mediaType(),
                updated.bytes());
    }

    /** Removes {@code referrer} from the subject's referrers index, if it is listed there. */
    void remove(ImageReference repo, Digest subject, Digest referrer) throws RegistryException {
        ImageReference tagRef = repo.withTag(ReferrersLister.referrersTag(subject));
        ImageIndex index;
        try {
            index = Json.read(new ManifestFetcher(transport).get(tagRef).bytes(), ImageIndex.class);
        } catch (NotFoundException | InvalidDocumentException e) {
            return;
        }
        java.util.List<Descriptor> kept = index.manifests().stream().filter(d -> !d.digest().equals(referrer)).toList();
        if (kept.size() == index.manifests().size()) {
            return;
        }
        new ManifestUploader(transport).put(tagRef, index.mediaType() == null ? MediaType.OCI_INDEX : index.mediaType(),
                Stored.of(index.withManifests(kept)).bytes());
    }
}
