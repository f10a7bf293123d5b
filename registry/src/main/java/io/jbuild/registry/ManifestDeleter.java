package io.jbuild.registry;

import io.jbuild.layerstore.ImageReference;

import java.io.InputStream;
import java.net.http.HttpResponse;

/** {@code DELETE /v2/<name>/manifests/<tag-or-digest>} (202). */
final class ManifestDeleter {
    private final RegistryTransport transport;

    ManifestDeleter(RegistryTransport transport) {
        this.transport = transport;
    }

    void delete(ImageReference ref) throws RegistryException {
        String object = Manifests.describe(ref);
        HttpResponse<InputStream> r = transport.send(new RegistryRequest("DELETE", ref.registry(), Manifests.path(ref),
                Scope.delete(ref.repository()), "delete manifest", object));
        if (r.statusCode() != 202 && r.statusCode() != 200 && r.statusCode() != 204) {
            throw ErrorResponses.toException("delete manifest", object, r);
        }
        RegistryTransport.close(r);
    }
}
