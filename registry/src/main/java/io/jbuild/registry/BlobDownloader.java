package io.jbuild.registry;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/<name>/blobs/<digest>} streamed into a temp file of the store (named so that
 * the store cleans it if we die), hashed on the way; after a dropped connection the download
 * resumes with {@code Range: bytes=<have>-} (a registry answering 200 instead of 206 restarts
 * it). Only complete, digest-verified content is committed to the store.
 */
final class BlobDownloader {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final long PID = ProcessHandle.current().pid();

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
        Path temp = store.tmpDir().resolve(PID + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()
                & Long.MAX_VALUE) + ".download");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                fetch(repo, blob, object, out, progress);
                out.force(true);
            }
            try (InputStream in = Files.newInputStream(temp)) {
                return store.write(blob, in);
            }
        } catch (IOException e) {
            throw new RegistryException("pull " + object + ": write temp file " + temp + ": " + e, e);
        } catch (StoreException e) {
            throw new RegistryException("pull " + object + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // removed by the store's cleanup once we are gone
            }
        }
    }

    private void fetch(ImageReference repo, Descriptor blob, String object, FileChannel out, BlobProgress progress)
            throws RegistryException, IOException {
        MessageDigest md = blob.digest().newMessageDigest();
        long have = 0;
        int failures = 0;
        RetryPolicy retry = transport.retryPolicy();
        byte[] buffer = new byte[64 * 1024];
        while (true) {
            RegistryRequest request = new RegistryRequest("GET", repo.registry(), Blobs.path(repo, blob.digest()),
                    Scope.pull(repo.repository()), "pull", object);
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> r = transport.send(request);
            int status = r.statusCode();
            if (status == 200 && have > 0) {
                // the registry ignored Range: start over
                out.truncate(0);
                out.position(0);
                md.reset();
                have = 0;
                progress.set(0);
            } else if (status == 206) {
                long start = contentRangeStart(RegistryTransport.header(r, "Content-Range"));
                if (start != have) {
                    RegistryTransport.close(r);
                    throw new RegistryException("pull " + object + ": asked for bytes from " + have
                            + ", registry sent Content-Range " + RegistryTransport.header(r, "Content-Range"));
                }
            } else if (status != 200) {
                throw ErrorResponses.toException("pull", object, r);
            }
            String announced = RegistryTransport.header(r, "Docker-Content-Digest");
            if (announced != null && status == 200 && announced.trim().startsWith(blob.digest().algorithm() + ":")
                    && !announced.trim().equals(blob.digest().toString())) {
                RegistryTransport.close(r);
                throw new RegistryException("pull " + object + ": registry announced Docker-Content-Digest " + announced);
            }
            try (InputStream in = r.body()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (have + n > blob.size()) {
                        throw new RegistryException("pull " + object + ": registry sent more than the "
                                + blob.size() + " bytes the descriptor announces");
                    }
                    md.update(buffer, 0, n);
                    ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    have += n;
                    progress.set(have);
                }
            } catch (IOException e) {
                failures++;
                if (failures >= retry.maxAttempts()) {
                    throw new RegistryException("pull " + object + ": connection lost after " + have + " of "
                            + blob.size() + " bytes, " + failures + " times: " + e, 0, null, e);
                }
                sleep(retry, failures, object);
                continue;
            }
            if (have < blob.size()) {
                failures++;
                if (failures >= retry.maxAttempts()) {
                    throw new RegistryException("pull " + object + ": body ended after " + have + " of "
                            + blob.size() + " bytes, " + failures + " times");
                }
                sleep(retry, failures, object);
                continue;
            }
            Digest actual = new Digest(blob.digest().algorithm(), HexFormat.of().formatHex(md.digest()));
            if (!actual.equals(blob.digest())) {
                throw new RegistryException("pull " + object + ": content has digest " + actual
                        + "; the registry sent corrupt data");
            }
            progress.finish(have);
            return;
        }
    }

    private static void sleep(RetryPolicy retry, int failures, String object) throws RegistryException {
        try {
            RetryPolicy.sleep(retry.delay(failures));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("pull " + object + ": interrupted", e);
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
