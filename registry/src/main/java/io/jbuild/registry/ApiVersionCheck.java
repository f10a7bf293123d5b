package io.jbuild.registry;

import java.io.InputStream;
import java.net.http.HttpResponse;

/** {@code GET /v2/}: 200 means the distribution API is there (after authentication). */
final class ApiVersionCheck {
    private final RegistryTransport transport;

    ApiVersionCheck(RegistryTransport transport) {
        this.transport = transport;
    }

    void check(String registry) throws RegistryException {
        HttpResponse<InputStream> r = transport.send(new RegistryRequest("GET", registry, "/v2/", Scope.none(),
                "check", "registry " + registry));
        if (r.statusCode() != 200) {
            if (r.statusCode() == 404) {
                RegistryTransport.close(r);
                throw new NotFoundException("check registry " + registry
                        + ": GET /v2/ answered 404; not an OCI distribution registry", 404, null, null);
            }
            throw ErrorResponses.toException("check", "registry " + registry, r);
        }
        RegistryTransport.close(r);
    }
}
