package io.jbuild.registry;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;

import java.io.InputStream;
import java.net.http.HttpResponse;

/** {@code PUT /v2/<name>/manifests/<tag-or-digest>} with the exact bytes and their media type. */
final class ManifestUploader {
    /** What the registry answered: the descriptor and its {@code OCI-Subject} header (null when absent). */
    record Result(Descriptor descriptor, String ociSubject) {
    }

    private final RegistryTransport transport;

    ManifestUploader(RegistryTransport transport) {
        this.transport = transport;
    }

    Result put(ImageReference ref, String mediaType, byte[] bytes) throws RegistryException {
        String object = Manifests.describe(ref);
        Digest digest = ref.digest() != null && ref.digest().isVerifiable()
                ? Manifests.digestOf(ref.digest().algorithm(), bytes) : Digest.of(bytes);
        if (ref.digest() != null && !digest.equals(ref.digest())) {
            throw new RegistryException("push manifest " + object + ": content has digest " + digest);
        }
        HttpResponse<InputStream> r = transport.send(new RegistryRequest("PUT", ref.registry(), Manifests.path(ref),
                Scope.push(ref.repository()), "push manifest", object)
                .header("Content-Type", mediaType).body(bytes));
        if (r.statusCode() != 201 && r.statusCode() != 200 && r.statusCode() != 202) {
            throw ErrorResponses.toException("push manifest", object, r);
        }
        RegistryTransport.close(r);
        String header = RegistryTransport.header(r, "Docker-Content-Digest");
        if (header != null) {
            Digest announced = ManifestFetcher.parseDigest(object, header);
            if (announced.isVerifiable() && !Manifests.digestOf(announced.algorithm(), bytes).equals(announced)) {
                throw new RegistryException("push manifest " + object + ": registry stored digest " + announced
                        + " for content with digest " + digest);
            }
        }
        return new Result(Descriptor.of(mediaType, digest, bytes.length), RegistryTransport.header(r, "OCI-Subject"));
    }
}
