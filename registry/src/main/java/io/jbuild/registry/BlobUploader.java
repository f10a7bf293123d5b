package io.jbuild.registry;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Blob upload: {@code POST /v2/<name>/blobs/uploads/} (optionally {@code ?mount=&from=} for a
 * cross-repository mount, or {@code ?digest=} with the body where the registry supports a
 * monolithic POST), then one streamed {@code PATCH} (or chunks with {@code Content-Range},
 * honouring {@code OCI-Chunk-Min-Length}), then {@code PUT <location>&digest=}. Every request uses
 * the latest {@code Location}, resolved against the request URL and keeping its query. A session
 * that fails is cancelled and the upload starts over (bounded), since a registry may have kept
 * part of a PATCH.
 */
final class BlobUploader {
    /** Upload options. {@code chunkSize} 0 means one streamed PATCH. */
    record Options(boolean monolithicPost, long chunkSize) {
        static final Options DEFAULT = new Options(false, 0);
    }

    /** How the blob got there. */
    enum Outcome { MOUNTED, UPLOADED }

    private final RegistryTransport transport;

    BlobUploader(RegistryTransport transport) {
        this.transport = transport;
    }

    Outcome upload(ImageReference repo, Descriptor blob, UploadContent content, String mountFrom, Options options)
            throws RegistryException {
        return upload(repo, blob, content, mountFrom, options, BlobProgress.NONE);
    }

    /** Uploads, counting the bytes handed to the HTTP client into {@code progress}. */
    Outcome upload(ImageReference repo, Descriptor blob, UploadContent content, String mountFrom, Options options,
            BlobProgress progress) throws RegistryException {
        RetryPolicy retry = transport.retryPolicy();
        for (int attempt = 1; ; attempt++) {
            try {
                Outcome outcome = uploadOnce(repo, blob, content, mountFrom, options, progress);
                if (outcome == Outcome.UPLOADED) {
                    progress.finish(blob.size());
                }
                return outcome;
            } catch (RegistryException e) {
                boolean transientFailure = (e.status() == 0 && e.getCause() instanceof IOException)
                        || RetryPolicy.isRetryableStatus(e.status())
                        || "BLOB_UPLOAD_UNKNOWN".equals(e.code());
                if (!transientFailure || attempt >= retry.maxAttempts() || !content.isRepeatable()) {
                    throw e;
                }
                try {
                    RetryPolicy.sleep(retry.delay(attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Outcome uploadOnce(ImageReference repo, Descriptor blob, UploadContent content, String mountFrom,
            Options options, BlobProgress progress) throws RegistryException {
        String object = Blobs.describe(repo, blob.digest());
        Scope scope = Scope.push(repo.repository());
        String uploads = "/v2/" + repo.repository() + "/blobs/uploads/";
        HttpResponse<InputStream> r;
        if (mountFrom != null && !mountFrom.equals(repo.repository())) {
            scope = scope.union(Scope.pull(mountFrom));
            r = transport.send(new RegistryRequest("POST", repo.registry(), uploads + "?mount="
                    + Blobs.encode(blob.digest().toString()) + "&from=" + Blobs.encode(mountFrom), scope,
                    "mount", object + " from " + mountFrom));
            if (r.statusCode() == 201) {
                RegistryTransport.close(r);
                return Outcome.MOUNTED;
            }
        } else if (options.monolithicPost()) {
            r = transport.send(new RegistryRequest("POST", repo.registry(), uploads + "?digest="
                    + Blobs.encode(blob.digest().toString()), scope, "push", object)
                    .header("Content-Type", "application/octet-stream")
                    .body(() -> progress.counting(content.whole(), 0), content.isRepeatable()));
            if (r.statusCode() == 201) {
                RegistryTransport.close(r);
                return Outcome.UPLOADED;
            }
            if (r.statusCode() == 202) {
                URI location = location(repo, r, object);
                RegistryTransport.close(r);
                finish(repo, blob, object, scope, location, content, progress);
                return Outcome.UPLOADED;
            }
        } else {
            String algorithm = blob.digest().algorithm();
            r = transport.send(new RegistryRequest("POST", repo.registry(), uploads
                    + (algorithm.equals(Digest.SHA256) ? "" : "?digest-algorithm=" + Blobs.encode(algorithm)),
                    scope, "push", object));
        }
        if (r.statusCode() != 202) {
            throw ErrorResponses.toException("push", object, r);
        }
        URI location = location(repo, r, object);
        long minChunk = r.headers().firstValueAsLong("OCI-Chunk-Min-Length").orElse(0);
        RegistryTransport.close(r);
        try {
            long chunk = options.chunkSize() > 0 ? Math.max(options.chunkSize(), minChunk) : 0;
            if (chunk > 0 && chunk < blob.size() && content.canSlice()) {
                for (long offset = 0; offset < blob.size(); offset += chunk) {
                    long length = Math.min(chunk, blob.size() - offset);
                    location = patch(repo, object, scope, location,
                            progress.counting(content.slice(offset, length), offset),
                            offset + "-" + (offset + length - 1), length);
                }
            } else if (blob.size() > 0) {
                location = patch(repo, object, scope, location, progress.counting(content.whole(), 0), null,
                        blob.size());
            }
            finish(repo, blob, object, scope, location, null, progress);
            return Outcome.UPLOADED;
        } catch (RegistryException e) {
            cancel(repo, location, scope, object);
            throw e;
        } catch (IOException e) {
            cancel(repo, location, scope, object);
            throw new RegistryException("push " + object + ": read content: " + e, e);
        }
    }

    private URI patch(ImageReference repo, String object, Scope scope, URI location, HttpRequest.BodyPublisher body,
            String contentRange, long length) throws RegistryException {
        RegistryRequest request = new RegistryRequest("PATCH", repo.registry(), location.toString(), scope,
                "push", object).header("Content-Type", "application/octet-stream")
                .body(() -> body, false);
        if (contentRange != null) {
            request.header("Content-Range", contentRange);
        }
        HttpResponse<InputStream> r = transport.send(request);
        if (r.statusCode() != 202 && r.statusCode() != 204) {
            throw ErrorResponses.toException("push", object, r);
        }
        URI next = location(repo, r, object);
        RegistryTransport.close(r);
        return next;
    }

    /** The closing PUT; with {@code content} the body travels in it (after a monolithic POST answered 202). */
    private void finish(ImageReference repo, Descriptor blob, String object, Scope scope, URI location,
            UploadContent content, BlobProgress progress) throws RegistryException {
        RegistryRequest request = new RegistryRequest("PUT", repo.registry(),
                Blobs.withParameter(location, "digest", blob.digest().toString()), scope, "push", object)
                .header("Content-Type", "application/octet-stream");
        if (content != null) {
            request.body(() -> progress.counting(content.whole(), 0), content.isRepeatable());
        } else {
            request.body(() -> HttpRequest.BodyPublishers.noBody(), true);
        }
        HttpResponse<InputStream> r = transport.send(request);
        if (r.statusCode() != 201 && r.statusCode() != 204 && r.statusCode() != 200) {
            throw ErrorResponses.toException("push", object, r);
        }
        RegistryTransport.close(r);
        String announced = RegistryTransport.header(r, "Docker-Content-Digest");
        // registries may announce their canonical (sha256) digest of a blob pushed with another algorithm
        if (announced != null && announced.trim().startsWith(blob.digest().algorithm() + ":")
                && !announced.trim().equals(blob.digest().toString())) {
            throw new RegistryException("push " + object + ": registry stored it as " + announced.trim());
        }
    }

    private void cancel(ImageReference repo, URI location, Scope scope, String object) {
        try {
            RegistryRequest request = new RegistryRequest("DELETE", repo.registry(), location.toString(), scope,
                    "cancel upload of", object);
            request.replayable = false;
            RegistryTransport.close(transport.send(request));
        } catch (RegistryException ignored) {
            // sessions expire on the server
        }
    }

    /** The answer's {@code Location}, resolved against the URL that was requested. */
    private static URI location(ImageReference repo, HttpResponse<InputStream> r, String object)
            throws RegistryException {
        String value = RegistryTransport.header(r, "Location");
        if (value == null) {
            RegistryTransport.close(r);
            throw new RegistryException("push " + object + ": registry answered " + r.statusCode()
                    + " without a Location header");
        }
        return r.uri().resolve(value.trim());
    }
}
