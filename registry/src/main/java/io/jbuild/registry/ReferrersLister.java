package io.jbuild.registry;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageIndex;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidDocumentException;
import io.jbuild.layerstore.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /v2/<name>/referrers/<digest>[?artifactType=]}, following {@code Link}; when the
 * registry answers 404 (no referrers API, e.g. distribution 2.8) the referrers tag
 * {@code <alg>-<encoded>} is read instead, and filtering is done here when the registry did not
 * say {@code OCI-Filters-Applied: artifactType}.
 */
final class ReferrersLister {
    private final RegistryTransport transport;

    ReferrersLister(RegistryTransport transport) {
        this.transport = transport;
    }

    /** The referrers tag of the fallback scheme: {@code sha256:abc} → {@code sha256-abc}. */
    static String referrersTag(Digest digest) {
        String alg = digest.algorithm();
        String enc = digest.encoded();
        String tag = (alg.length() > 32 ? alg.substring(0, 32) : alg) + "-"
                + (enc.length() > 64 ? enc.substring(0, 64) : enc);
        return tag.replaceAll("[^a-zA-Z0-9._-]", "-");
    }

    List<Descriptor> list(ImageReference repo, Digest subject, String artifactType) throws RegistryException {
        String object = "referrers of " + repo.name() + "@" + subject;
        String target = "/v2/" + repo.repository() + "/referrers/" + subject
                + (artifactType == null ? "" : "?artifactType=" + Blobs.encode(artifactType));
        List<Descriptor> result = new ArrayList<>();
        boolean filtered = false;
        int pages = 0;
        while (target != null && pages++ < 1000) {
            HttpResponse<InputStream> r = transport.send(new RegistryRequest("GET", repo.registry(), target,
                    Scope.pull(repo.repository()), "list", object)
                    .header("Accept", io.jbuild.layerstore.MediaType.OCI_INDEX));
            if (r.statusCode() == 404 && pages == 1) {
                RegistryTransport.close(r);
                return filter(fromTag(repo, subject), artifactType);
            }
            if (r.statusCode() != 200) {
                throw ErrorResponses.toException("list", object, r);
            }
            filtered |= r.headers().allValues("OCI-Filters-Applied").stream()
                    .anyMatch(v -> List.of(v.split("\\s*,\\s*")).contains("artifactType"));
            try (InputStream in = r.body()) {
                result.addAll(Json.read(in.readNBytes(ManifestFetcher.MAX_MANIFEST), ImageIndex.class).manifests());
            } catch (IOException | InvalidDocumentException e) {
                throw new RegistryException("list " + object + ": invalid answer: " + e.getMessage(), e);
            }
            target = Links.next(r.headers().allValues("Link")).map(l -> r.uri().resolve(l).toString()).orElse(null);
        }
        return filtered ? result : filter(result, artifactType);
    }

    private List<Descriptor> fromTag(ImageReference repo, Digest subject) throws RegistryException {
        try {
            RemoteManifest m = new ManifestFetcher(transport).get(repo.withTag(referrersTag(subject)));
            return Json.read(m.bytes(), ImageIndex.class).manifests();
        } catch (NotFoundException e) {
            return List.of();
        } catch (InvalidDocumentException e) {
            return List.of(); // not an index: no referrers
        }
    }

    private static List<Descriptor> filter(List<Descriptor> list, String artifactType) {
        if (artifactType == null) {
            return list;
        }
        return list.stream().filter(d -> Objects.equals(d.artifactType(), artifactType)).toList();
    }
}
