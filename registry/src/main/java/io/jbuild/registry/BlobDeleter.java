package io.jbuild.registry;

import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;

import java.io.InputStream;
import java.net.http.HttpResponse;

/** {@code DELETE /v2/<name>/blobs/<digest>} (202). */
final class BlobDeleter {
    private final RegistryTransport transport;

    BlobDeleter(RegistryTransport transport) {
        this.transport = transport;
    }

    void delete(ImageReference repo, Digest digest) throws RegistryException {
        String object = Blobs.describe(repo, digest);
        HttpResponse<InputStream> r = transport.send(new RegistryRequest("DELETE", repo.registry(),
                Blobs.path(repo, digest), Scope.delete(repo.repository()), "delete", object));
        if (r.statusCode() != 202 && r.statusCode() != 200 && r.statusCode() != 204) {
            throw ErrorResponses.toException("delete", object, r);
        }
        RegistryTransport.close(r);
    }
}
