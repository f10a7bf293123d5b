package io.jbuild.registry;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.DigestMismatchException;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.UnexpectedContentException;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/<name>/blobs/<digest>} streamed straight into the store's write path (a temp
 * file of the store, hashed on the way, fsynced, renamed into place), so the bytes are written
 * and hashed once. After a dropped connection the stream resumes with
 * {@code Range: bytes=<have>-}; a registry answering 200 instead of 206 sends the blob again and
 * the bytes we have are skipped. Only complete, digest-verified content is committed to the store.
 */
final class BlobDownloader {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final RegistryTransport transport;

    BlobDownloader(RegistryTransport transport) {
        this.transport = transport;
    }

    Descriptor download(ImageReference repo, Descriptor blob, BlobStore store) throws RegistryException {
        return download(repo, blob, store, BlobProgress.NONE);
    }

    /** Downloads, counting the bytes received into {@code progress}. */
    Descriptor download(ImageReference repo, Descriptor blob, BlobStore store, BlobProgress progress)
            throws RegistryException {
        Digest digest = blob.digest();
        String object = Blobs.describe(repo, digest);
        if (store.contains(digest)) {
            return blob;
        }
        if (!digest.isVerifiable()) {
            throw new RegistryException("pull " + object + ": cannot verify digest algorithm " + digest.algorithm());
        }
        try (ResumingBody body = new ResumingBody(repo, blob, object, progress)) {
            Descriptor stored = store.write(blob, body);
            progress.finish(blob.size());
            return stored;
        } catch (UnexpectedContentException e) {
            Digest actual = e.getCause() instanceof DigestMismatchException m ? m.actual() : null;
            throw new RegistryException("pull " + object + ": content has digest " + actual
                    + "; the registry sent corrupt data", e);
        } catch (StoreException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof Failure f) {
                    throw f.failure;
                }
            }
            throw new RegistryException("pull " + object + ": " + e.getMessage(), e);
        }
    }

    /** Carries a {@link RegistryException} through the store's write path, which only passes IOExceptions. */
    private static final class Failure extends IOException {
        final RegistryException failure;

        Failure(RegistryException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }
    }

    /** The blob's bytes across as many requests as it takes (bounded by the retry policy). */
    private final class ResumingBody extends InputStream {
        private final ImageReference repo;
        private final Descriptor blob;
        private final String object;
        private final BlobProgress progress;
        private final RetryPolicy retry = transport.retryPolicy();
        private InputStream current;
        private long have;
        private int failures;

        ResumingBody(ImageReference repo, Descriptor blob, String object, BlobProgress progress) {
            this.repo = repo;
            this.blob = blob;
            this.object = object;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (current == null) {
                    if (have >= blob.size() && have > 0) {
                        return -1;
                    }
                    open();
                    if (current == null) {
                        continue; // lost while skipping what we had
                    }
                }
                int n;
                try {
                    if (have >= blob.size()) {
                        n = current.read();
                        if (n >= 0) {
                            throw new Failure(new RegistryException("pull " + object + ": registry sent more than the "
                                    + blob.size() + " bytes the descriptor announces"));
                        }
                        closeCurrent();
                        return -1;
                    }
                    n = current.read(b, off, (int) Math.min(len, blob.size() - have));
                } catch (Failure f) {
                    throw f;
                } catch (IOException e) {
                    failed("connection lost after " + have + " of " + blob.size() + " bytes", e);
                    continue;
                }
                if (n < 0) {
                    failed("body ended after " + have + " of " + blob.size() + " bytes", null);
                    continue;
                }
                have += n;
                progress.set(have);
                return n;
            }
        }

        /** Counts a failure of the current response, gives up after the policy's attempts, else waits. */
        private void failed(String what, IOException cause) throws Failure {
            closeCurrent();
            failures++;
            if (failures >= retry.maxAttempts()) {
                throw new Failure(new RegistryException("pull " + object + ": " + what + ", " + failures + " times"
                        + (cause == null ? "" : ": " + cause), 0, null, cause));
            }
            try {
                RetryPolicy.sleep(retry.delay(failures));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(new RegistryException("pull " + object + ": interrupted", e));
            }
        }

        /** Sends the GET (with {@code Range} after the first bytes) and positions the body at {@code have}. */
        private void open() throws IOException {
            RegistryRequest request = new RegistryRequest("GET", repo.registry(), Blobs.path(repo, blob.digest()),
                    Scope.pull(repo.repository()), "pull", object);
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> r;
            try {
                r = transport.send(request);
            } catch (RegistryException e) {
                throw new Failure(e);
            }
            int status = r.statusCode();
            long skip = 0;
            if (status == 200 && have > 0) {
                skip = have; // the registry ignored Range: it sends everything again
            } else if (status == 206) {
                long start = contentRangeStart(RegistryTransport.header(r, "Content-Range"));
                if (start != have) {
                    RegistryTransport.close(r);
                    throw new Failure(new RegistryException("pull " + object + ": asked for bytes from " + have
                            + ", registry sent Content-Range " + RegistryTransport.header(r, "Content-Range")));
                }
            } else if (status != 200) {
                try {
                    throw ErrorResponses.toException("pull", object, r);
                } catch (RegistryException e) {
                    throw new Failure(e);
                }
            }
            String announced = RegistryTransport.header(r, "Docker-Content-Digest");
            if (announced != null && status == 200 && announced.trim().startsWith(blob.digest().algorithm() + ":")
                    && !announced.trim().equals(blob.digest().toString())) {
                RegistryTransport.close(r);
                throw new Failure(new RegistryException("pull " + object
                        + ": registry announced Docker-Content-Digest " + announced));
            }
            current = r.body();
            if (skip > 0) {
                try {
                    current.skipNBytes(skip);
                } catch (IOException e) {
                    failed("connection lost while skipping " + skip + " bytes already received", e);
                }
            }
        }

        private void closeCurrent() {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException ignored) {
                    // the connection is dropped
                }
                current = null;
            }
        }

        @Override
        public void close() {
            closeCurrent();
        }
    }

    private static long contentRangeStart(String header) {
        if (header == null) {
            return -1;
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
