package io.jbuild.registry;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.MediaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Puller and Pusher report each blob's start, byte counts and outcome to their listener. */
class TransferListenerTest {
    @TempDir
    Path temp;

    /** Everything a listener heard, as text lines per blob. */
    private static final class Recorder implements TransferListener {
        final Map<Digest, List<String>> events = new ConcurrentHashMap<>();
        final Map<Digest, Long> lastProgress = new ConcurrentHashMap<>();

        private List<String> of(Descriptor blob) {
            return events.computeIfAbsent(blob.digest(), d -> Collections.synchronizedList(new ArrayList<>()));
        }

        @Override
        public void started(Descriptor blob) {
            of(blob).add("started");
        }

        @Override
        public void progress(Descriptor blob, long bytesDone) {
            lastProgress.put(blob.digest(), bytesDone);
            if (!of(blob).contains("progress")) {
                of(blob).add("progress");
            }
        }

        @Override
        public void done(Descriptor blob, Outcome outcome) {
            of(blob).add(outcome.name());
        }
    }

    /** A registry in memory: blobs and manifests by digest and tag, uploads in one PATCH. */
    private static FakeRegistry memoryRegistry(Map<String, byte[]> blobs, Map<String, byte[]> manifests) throws IOException {
        Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
        return new FakeRegistry((x, r) -> {
            String path = r.uri().replaceFirst("\\?.*", "");
            String query = r.uri().contains("?") ? r.uri().substring(r.uri().indexOf('?') + 1) : "";
            if (path.contains("/blobs/uploads/")) {
                String id = path.substring(path.lastIndexOf('/') + 1);
                switch (r.method()) {
                    case "POST" -> {
                        x.getResponseHeaders().add("Location", "/v2/a/r/blobs/uploads/u" + uploads.size());
                        uploads.put("u" + uploads.size(), new ByteArrayOutputStream());
                        FakeRegistry.send(x, 202, "");
                    }
                    case "PATCH" -> {
                        uploads.get(id).write(r.body());
                        x.getResponseHeaders().add("Location", "/v2/a/r/blobs/uploads/" + id);
                        FakeRegistry.send(x, 202, "");
                    }
                    case "PUT" -> {
                        String digest = java.net.URLDecoder.decode(query.replaceFirst(".*digest=", ""),
                                java.nio.charset.StandardCharsets.UTF_8);
                        blobs.put(digest, uploads.get(id).toByteArray());
                        x.getResponseHeaders().add("Docker-Content-Digest", digest);
                        FakeRegistry.send(x, 201, "");
                    }
                    default -> FakeRegistry.send(x, 405, "");
                }
            } else if (path.contains("/blobs/")) {
                byte[] blob = blobs.get(path.substring(path.lastIndexOf('/') + 1));
                if (blob == null) {
                    FakeRegistry.send(x, 404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\"}]}");
                } else {
                    FakeRegistry.send(x, 200, "application/octet-stream", blob);
                }
            } else if (path.contains("/manifests/")) {
                String reference = path.substring(path.lastIndexOf('/') + 1);
                if (r.method().equals("PUT")) {
                    manifests.put(reference, r.body());
                    manifests.put(Digest.of(r.body()).toString(), r.body());
                    x.getResponseHeaders().add("Docker-Content-Digest", Digest.of(r.body()).toString());
                    FakeRegistry.send(x, 201, "");
                } else if (manifests.containsKey(reference)) {
                    byte[] m = manifests.get(reference);
                    x.getResponseHeaders().add("Docker-Content-Digest", Digest.of(m).toString());
                    FakeRegistry.send(x, 200, MediaType.OCI_MANIFEST, m);
                } else {
                    FakeRegistry.send(x, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
                }
            } else {
                FakeRegistry.send(x, 200, "{}");
            }
        });
    }

    private static RegistryClient client(FakeRegistry fake) {
        return RegistryClient.builder().plainHttpRegistry(fake.host())
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5)))
                .requestTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void pushThenPull_someBlobsPresent_listenerHearsStartProgressAndOutcome() throws Exception {
        Map<String, byte[]> blobs = new ConcurrentHashMap<>();
        Map<String, byte[]> manifests = new ConcurrentHashMap<>();
        try (FakeRegistry fake = memoryRegistry(blobs, manifests)) {
            BlobStore source = BlobStore.open(temp.resolve("source"));
            TestImages.Image image = TestImages.image(source, "listen", 3, 200_000);
            source.tag("listen", image.manifest());
            Descriptor first = image.layers().get(0);
            blobs.put(first.digest().toString(), source.readAll(first.digest()));

            Recorder pushed = new Recorder();
            ImageReference ref = ImageReference.parse(fake.host() + "/a/r:v1");
            TransferResult push = new Pusher(client(fake), source, 2).withListener(pushed).push("listen", ref);
            assertEquals(3, push.transferred());
            assertEquals(1, push.skipped());
            assertEquals(List.of("started", "SKIPPED"), pushed.events.get(first.digest()));
            for (Descriptor blob : List.of(image.config(), image.layers().get(1), image.layers().get(2))) {
                assertEquals(List.of("started", "progress", "TRANSFERRED"), pushed.events.get(blob.digest()));
                assertEquals(blob.size(), pushed.lastProgress.get(blob.digest()));
            }
            assertEquals(4, pushed.events.size());

            BlobStore target = BlobStore.open(temp.resolve("target"));
            Descriptor third = image.layers().get(2);
            target.write(third.mediaType(), source.readAll(third.digest()));
            Recorder pulled = new Recorder();
            TransferResult pull = new Puller(client(fake), target, 2, pulled).pull(ref, null, "back");
            assertEquals(image.manifest().digest(), pull.descriptor().digest());
            assertEquals(List.of("started", "SKIPPED"), pulled.events.get(third.digest()));
            for (Descriptor blob : List.of(image.config(), image.layers().get(0), image.layers().get(1))) {
                assertEquals(List.of("started", "progress", "TRANSFERRED"), pulled.events.get(blob.digest()));
                assertEquals(blob.size(), pulled.lastProgress.get(blob.digest()));
            }
        }
    }

    @Test
    void counting_bodyOfManyBuffers_countsEveryByteFromOffsetAndThrottles() throws Exception {
        List<Long> reports = Collections.synchronizedList(new ArrayList<>());
        Descriptor blob = Descriptor.of("application/octet-stream", new byte[10]);
        BlobProgress progress = new BlobProgress(new TransferListener() {
            @Override
            public void progress(Descriptor b, long bytesDone) {
                reports.add(bytesDone);
            }
        }, blob);
        byte[] body = new byte[1_000_000];
        HttpRequest.BodyPublisher publisher = progress.counting(HttpRequest.BodyPublishers.ofByteArrays(
                Collections.nCopies(100, new byte[10_000])), 500);
        long[] received = {0};
        java.util.concurrent.CompletableFuture<Void> complete = new java.util.concurrent.CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                received[0] += item.remaining();
            }

            @Override
            public void onError(Throwable t) {
                complete.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                complete.complete(null);
            }
        });
        complete.get();
        progress.finish(500 + received[0]);
        assertEquals(body.length, received[0]);
        assertEquals(500 + body.length, reports.get(reports.size() - 1));
        assertTrue(reports.size() < 10, "throttled: " + reports);
    }
}
