package io.jbuild.registry;

import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.OptionalLong;

/** {@code HEAD /v2/<name>/blobs/<digest>}: the blob's size when it exists, empty on 404. */
final class BlobChecker {
    private final RegistryTransport transport;

    BlobChecker(RegistryTransport transport) {
        this.transport = transport;
    }

    OptionalLong check(ImageReference repo, Digest digest, Scope scope) throws RegistryException {
        String object = Blobs.describe(repo, digest);
        HttpResponse<InputStream> r = transport.send(new RegistryRequest("HEAD", repo.registry(),
                Blobs.path(repo, digest), scope, "check", object));
        RegistryTransport.close(r);
        if (r.statusCode() == 404) {
            return OptionalLong.empty();
        }
        if (r.statusCode() != 200) {
            throw ErrorResponses.toException("check", object, r.statusCode(), new byte[0]);
        }
        return OptionalLong.of(r.headers().firstValueAsLong("Content-Length").orElse(-1));
    }
}
