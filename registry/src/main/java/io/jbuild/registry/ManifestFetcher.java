package io.jbuild.registry;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * {@code GET} and {@code HEAD /v2/<name>/manifests/<reference>} with the full Accept list. The
 * body is kept byte for byte; it must hash to the requested digest and to
 * {@code Docker-Content-Digest}, and its {@code mediaType} field must match {@code Content-Type}.
 */
final class ManifestFetcher {
    static final int MAX_MANIFEST = 8 * 1024 * 1024;

    private final RegistryTransport transport;

    ManifestFetcher(RegistryTransport transport) {
        this.transport = transport;
    }

    RemoteManifest get(ImageReference ref) throws RegistryException {
        String object = Manifests.describe(ref);
        HttpResponse<InputStream> r = transport.send(new RegistryRequest("GET", ref.registry(), Manifests.path(ref),
                Scope.pull(ref.repository()), "pull manifest", object).header("Accept", Manifests.ACCEPT));
        if (r.statusCode() != 200) {
            throw ErrorResponses.toException("pull manifest", object, r);
        }
        byte[] bytes;
        try (InputStream in = r.body()) {
            bytes = in.readNBytes(MAX_MANIFEST + 1);
        } catch (IOException e) {
            throw new RegistryException("pull manifest " + object + ": read body: " + e, e);
        }
        if (bytes.length > MAX_MANIFEST) {
            throw new RegistryException("pull manifest " + object + ": larger than " + MAX_MANIFEST + " bytes");
        }
        Digest digest = verify(object, ref.digest(), RegistryTransport.header(r, "Docker-Content-Digest"), bytes);
        String contentType = RegistryTransport.mediaType(r);
        String field = Manifests.mediaTypeField(bytes);
        if (field != null && contentType != null && !field.equals(contentType)
                && !contentType.equals("application/json") && !contentType.equals("application/octet-stream")) {
            throw new RegistryException("pull manifest " + object + ": Content-Type " + contentType
                    + " does not match the manifest's mediaType " + field);
        }
        String mediaType = field != null ? field
                : contentType != null && !contentType.equals("application/json") ? contentType
                : Manifests.guessMediaType(bytes);
        return new RemoteManifest(mediaType, digest, bytes);
    }

    /** HEAD: the descriptor, or empty when the registry answers 404. */
    Optional<Descriptor> head(ImageReference ref) throws RegistryException {
        String object = Manifests.describe(ref);
        HttpResponse<InputStream> r = transport.send(new RegistryRequest("HEAD", ref.registry(), Manifests.path(ref),
                Scope.pull(ref.repository()), "check manifest", object).header("Accept", Manifests.ACCEPT));
        RegistryTransport.close(r);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw ErrorResponses.toException("check manifest", object, r.statusCode(), new byte[0]);
        }
        String header = RegistryTransport.header(r, "Docker-Content-Digest");
        Digest digest = ref.digest();
        if (header != null) {
            Digest announced = parseDigest(object, header);
            if (digest != null && !digest.equals(announced)) {
                throw new RegistryException("check manifest " + object + ": registry announced digest " + announced);
            }
            digest = announced;
        }
        if (digest == null) {
            return Optional.of(get(ref).descriptor()); // no Docker-Content-Digest (older registries): GET and hash
        }
        long size = r.headers().firstValueAsLong("Content-Length").orElse(0);
        String mediaType = RegistryTransport.mediaType(r);
        return Optional.of(Descriptor.of(mediaType == null || mediaType.equals("application/json")
                ? io.jbuild.layerstore.MediaType.OCI_MANIFEST : mediaType, digest, size));
    }

    static Digest verify(String object, Digest requested, String header, byte[] bytes) throws RegistryException {
        Digest announced = header == null ? null : parseDigest(object, header);
        if (requested != null) {
            if (!requested.isVerifiable()) {
                throw new RegistryException("pull manifest " + object + ": cannot verify digest algorithm "
                        + requested.algorithm());
            }
            Digest actual = Manifests.digestOf(requested.algorithm(), bytes);
            if (!actual.equals(requested)) {
                throw new RegistryException("pull manifest " + object + ": body has digest " + actual
                        + ", not the requested " + requested);
            }
        }
        if (announced != null && announced.isVerifiable()) {
            Digest actual = Manifests.digestOf(announced.algorithm(), bytes);
            if (!actual.equals(announced)) {
                throw new RegistryException("pull manifest " + object + ": body has digest " + actual
                        + ", but Docker-Content-Digest is " + announced);
            }
        }
        if (requested != null) {
            return requested;
        }
        return announced != null && announced.isVerifiable() ? announced : Digest.of(bytes);
    }

    static Digest parseDigest(String object, String text) throws RegistryException {
        try {
            return Digest.fromString(text.trim());
        } catch (IllegalArgumentException e) {
            throw new RegistryException("pull manifest " + object + ": invalid Docker-Content-Digest \"" + text + "\"");
        }
    }
}
