package io.jbuild.registry;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageIndex;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.MediaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against an in-process fake registry: behaviours docker-registry 2.8 cannot show. */
class RegistryClientTest {
    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(20));
    private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\"" + MediaType.OCI_EMPTY + "\",\"digest\":\"sha256:"
            + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    private static RegistryClient client(FakeRegistry fake, CredentialProvider credentials) {
        return RegistryClient.builder().retryPolicy(FAST).credentials(credentials).plainHttpRegistry(fake.host())
                .requestTimeout(Duration.ofSeconds(10)).build();
    }

    private static RegistryClient client(FakeRegistry fake) {
        return client(fake, CredentialProvider.anonymous());
    }

    private static ImageReference ref(FakeRegistry fake, String rest) throws Exception {
        return ImageReference.parse(fake.host() + "/" + rest);
    }

    @Test
    void listTags_linkHeader_followsPages() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            if (r.uri().contains("last=b")) {
                FakeRegistry.send(x, 200, "{\"name\":\"a/r\",\"tags\":[\"c\"]}");
            } else {
                x.getResponseHeaders().add("Link", "</v2/a/r/tags/list?n=2&last=b>; rel=\"next\"");
                FakeRegistry.send(x, 200, "{\"name\":\"a/r\",\"tags\":[\"a\",\"b\"]}");
            }
        })) {
            RegistryClient client = client(fake);
            TagPage first = client.listTags(ref(fake, "a/r"), 2, null);
            assertEquals(List.of("a", "b"), first.tags());
            assertTrue(first.next().orElseThrow().endsWith("/v2/a/r/tags/list?n=2&last=b"));
            assertEquals(List.of("c"), client.nextTags(ref(fake, "a/r"), first).tags());
            assertEquals(List.of("a", "b", "c"), client.listAllTags(ref(fake, "a/r")));
            client.listTags(ref(fake, "a/r"), 5, "x");
            assertTrue(fake.requests.stream().anyMatch(r -> r.uri().equals("/v2/a/r/tags/list?n=5&last=x")));
        }
    }

    @Test
    void send_429ThenServerError_retriesHonouringRetryAfter() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                x.getResponseHeaders().add("Retry-After", "1");
                FakeRegistry.send(x, 429, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}");
            } else if (n == 2) {
                FakeRegistry.send(x, 503, "");
            } else {
                FakeRegistry.send(x, 200, MediaType.OCI_MANIFEST, MANIFEST);
            }
        })) {
            long start = System.nanoTime();
            RemoteManifest m = RegistryClient.builder().retryPolicy(new RetryPolicy(4, Duration.ofMillis(1),
                    Duration.ofSeconds(5))).plainHttpRegistry(fake.host()).build().pullManifest(ref(fake, "a/r:t"));
            assertArrayEquals(MANIFEST, m.bytes());
            assertEquals(3, calls.get());
            assertTrue(System.nanoTime() - start >= 900_000_000L, "Retry-After: 1 was honoured");
        }
    }

    @Test
    void send_alwaysUnavailable_givesUpAfterMaxAttempts() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> FakeRegistry.send(x, 503,
                "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"maintenance\"}]}"))) {
            RegistryException e = assertThrows(RegistryException.class, () -> client(fake).pullManifest(ref(fake, "a/r:t")));
            assertEquals(503, e.status());
            assertEquals(4, fake.requests.stream().filter(r -> r.uri().startsWith("/v2/a/r")).count());
            assertTrue(e.getMessage().contains(fake.host() + "/a/r:t") && e.getMessage().contains("UNAVAILABLE"),
                    e.getMessage());
        }
    }

    @Test
    void pullBlob_redirectToOtherHost_sendsNoAuthorizationThere() throws Exception {
        byte[] blob = "redirected blob".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(blob);
        try (FakeRegistry storage = new FakeRegistry((x, r) -> FakeRegistry.send(x, 200, "application/octet-stream", blob));
             FakeRegistry fake = new FakeRegistry((x, r) -> {
                 if (r.header("Authorization") == null) {
                     x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
                     FakeRegistry.send(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}");
                     return;
                 }
                 x.getResponseHeaders().add("Location", "http://" + storage.host() + "/bucket/" + digest.encoded() + "?sig=1");
                 FakeRegistry.send(x, 307, "");
             })) {
            RegistryClient client = client(fake, CredentialProvider.of(fake.host(), Credentials.of("u", "p")));
            BlobStore store = BlobStore.open(temp.resolve("store"));
            client.pullBlob(ref(fake, "a/r"), Descriptor.of("application/octet-stream", blob), store);
            assertArrayEquals(blob, store.readAll(digest));
            assertEquals(1, storage.requests.size());
            assertNull(storage.requests.get(0).header("Authorization"));
            assertEquals("/bucket/" + digest.encoded() + "?sig=1", storage.requests.get(0).uri());
        }
    }

    @Test
    void pullBlob_connectionDroppedMidBody_resumesWithRange() throws Exception {
        byte[] blob = new byte[300_000];
        new java.util.Random(1).nextBytes(blob);
        AtomicInteger calls = new AtomicInteger();
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            String range = r.header("Range");
            if (calls.incrementAndGet() == 1) {
                x.sendResponseHeaders(200, blob.length);
                x.getResponseBody().write(blob, 0, 100_000);
                x.getResponseBody().flush();
                throw new IOException("drop");
            }
            int start = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            x.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (blob.length - 1) + "/" + blob.length);
            x.sendResponseHeaders(206, blob.length - start);
            x.getResponseBody().write(blob, start, blob.length - start);
        })) {
            BlobStore store = BlobStore.open(temp.resolve("store"));
            client(fake).pullBlob(ref(fake, "a/r"), Descriptor.of("application/octet-stream", blob), store);
            assertArrayEquals(blob, store.readAll(Digest.of(blob)));
            assertEquals(2, fake.requests.size());
            assertTrue(fake.requests.get(1).header("Range").matches("bytes=\\d+-"), fake.requests.get(1).header("Range"));
            assertFalse(fake.requests.get(1).header("Range").equals("bytes=0-"));
            try (var files = Files.list(store.tmpDir())) {
                assertEquals(0, files.count());
            }
        }
    }

    @Test
    void pullBlob_rangeIgnored_restartsFromZero() throws Exception {
        byte[] blob = new byte[200_000];
        new java.util.Random(2).nextBytes(blob);
        AtomicInteger calls = new AtomicInteger();
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            x.sendResponseHeaders(200, blob.length);
            if (calls.incrementAndGet() == 1) {
                x.getResponseBody().write(blob, 0, 50_000);
                x.getResponseBody().flush();
                throw new IOException("drop");
            }
            x.getResponseBody().write(blob);
        })) {
            BlobStore store = BlobStore.open(temp.resolve("store"));
            client(fake).pullBlob(ref(fake, "a/r"), Descriptor.of("application/octet-stream", blob), store);
            assertArrayEquals(blob, store.readAll(Digest.of(blob)));
        }
    }

    @Test
    void pullBlob_corruptContent_rejectedAndNotStored() throws Exception {
        byte[] blob = "good content".getBytes(StandardCharsets.UTF_8);
        try (FakeRegistry fake = new FakeRegistry((x, r) -> FakeRegistry.send(x, 200, "application/octet-stream",
                "evil content".getBytes(StandardCharsets.UTF_8)))) {
            BlobStore store = BlobStore.open(temp.resolve("store"));
            RegistryException e = assertThrows(RegistryException.class,
                    () -> client(fake).pullBlob(ref(fake, "a/r"), Descriptor.of("application/octet-stream", blob), store));
            assertTrue(e.getMessage().contains(Digest.of(blob).toString()), e.getMessage());
            assertFalse(store.contains(Digest.of(blob)));
        }
    }

    @Test
    void pullManifest_bodyNotMatchingRequestedDigest_rejected() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> FakeRegistry.send(x, 200, MediaType.OCI_MANIFEST, MANIFEST))) {
            Digest other = Digest.of(new byte[] {1});
            RegistryException e = assertThrows(RegistryException.class,
                    () -> client(fake).pullManifest(ref(fake, "a/r@" + other)));
            assertTrue(e.getMessage().contains("not the requested " + other), e.getMessage());
        }
    }

    @Test
    void pullManifest_dockerContentDigestMismatch_rejected() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            x.getResponseHeaders().add("Docker-Content-Digest", Digest.of(new byte[] {2}).toString());
            FakeRegistry.send(x, 200, MediaType.OCI_MANIFEST, MANIFEST);
        })) {
            assertThrows(RegistryException.class, () -> client(fake).pullManifest(ref(fake, "a/r:t")));
        }
    }

    @Test
    void pullManifest_contentTypeContradictsMediaType_rejected() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> FakeRegistry.send(x, 200, MediaType.OCI_INDEX, MANIFEST))) {
            RegistryException e = assertThrows(RegistryException.class, () -> client(fake).pullManifest(ref(fake, "a/r:t")));
            assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        }
    }

    @Test
    void pullManifest_sendsFullAcceptList() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> FakeRegistry.send(x, 200, MediaType.OCI_MANIFEST + "; charset=utf-8", MANIFEST))) {
            RemoteManifest m = client(fake).pullManifest(ref(fake, "a/r:t"));
            assertEquals(MediaType.OCI_MANIFEST, m.mediaType());
            String accept = fake.requests.get(fake.requests.size() - 1).header("Accept");
            for (String type : List.of(MediaType.OCI_MANIFEST, MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST,
                    MediaType.DOCKER_MANIFEST_LIST)) {
                assertTrue(accept.contains(type), accept);
            }
        }
    }

    @Test
    void pushBlob_relativeLocationsWithQuery_keptAndDigestAdded() throws Exception {
        byte[] blob = "upload me".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(blob);
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            switch (r.method()) {
                case "POST" -> {
                    x.getResponseHeaders().add("Location", "/upload/1?_state=first");
                    FakeRegistry.send(x, 202, "");
                }
                case "PATCH" -> {
                    x.getResponseHeaders().add("Location", "../upload/1?_state=second");
                    x.getResponseHeaders().add("Range", "0-" + (r.body().length - 1));
                    FakeRegistry.send(x, 202, "");
                }
                case "PUT" -> {
                    x.getResponseHeaders().add("Location", "/v2/a/r/blobs/" + digest);
                    x.getResponseHeaders().add("Docker-Content-Digest", digest.toString());
                    FakeRegistry.send(x, 201, "");
                }
                default -> FakeRegistry.send(x, 405, "");
            }
        })) {
            Path file = temp.resolve("blob");
            Files.write(file, blob);
            client(fake).pushBlob(ref(fake, "a/r"), Descriptor.of("application/octet-stream", blob), file, null);
            assertEquals("/v2/a/r/blobs/uploads/", fake.requests.get(0).uri());
            assertEquals("/upload/1?_state=first", fake.requests.get(1).uri());
            assertArrayEquals(blob, fake.requests.get(1).body());
            assertEquals("/upload/1?_state=second&digest=" + digest.toString().replace(":", "%3A"),
                    fake.requests.get(2).uri());
        }
    }

    @Test
    void pushBlob_sessionFailsWith500_restartsWholeUpload() throws Exception {
        byte[] blob = "retry upload".getBytes(StandardCharsets.UTF_8);
        AtomicInteger patches = new AtomicInteger();
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            switch (r.method()) {
                case "POST" -> {
                    x.getResponseHeaders().add("Location", "/upload/" + fake(r));
                    FakeRegistry.send(x, 202, "");
                }
                case "PATCH" -> {
                    if (patches.incrementAndGet() == 1) {
                        FakeRegistry.send(x, 500, "");
                        return;
                    }
                    x.getResponseHeaders().add("Location", r.uri());
                    FakeRegistry.send(x, 202, "");
                }
                case "PUT" -> FakeRegistry.send(x, 201, "");
                case "DELETE" -> FakeRegistry.send(x, 204, "");
                default -> FakeRegistry.send(x, 405, "");
            }
        })) {
            Path file = temp.resolve("blob");
            Files.write(file, blob);
            client(fake).pushBlob(ref(fake, "a/r"), Descriptor.of("application/octet-stream", blob), file, null);
            assertEquals(List.of("POST", "PATCH", "DELETE", "POST", "PATCH", "PUT"),
                    fake.requests.stream().map(FakeRegistry.Request::method).toList());
        }
    }

    private static String fake(FakeRegistry.Request r) {
        return Integer.toHexString(System.identityHashCode(r));
    }

    @Test
    void bearer_tokenReusedAcrossRequests() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            if (r.uri().startsWith("/token")) {
                tokens.incrementAndGet();
                FakeRegistry.send(x, 200, "{\"access_token\":\"tok\",\"expires_in\":300}");
            } else if (!"Bearer tok".equals(r.header("Authorization"))) {
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + x.getLocalAddress()
                        .getHostString() + ":" + x.getLocalAddress().getPort() + "/token\",service=\"fake\","
                        + "scope=\"repository:a/r:pull\"");
                FakeRegistry.send(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}");
            } else {
                FakeRegistry.send(x, 200, MediaType.OCI_MANIFEST, MANIFEST);
            }
        })) {
            RegistryClient client = client(fake);
            client.pullManifest(ref(fake, "a/r:t"));
            client.pullManifest(ref(fake, "a/r:t"));
            client.checkManifest(ref(fake, "a/r:t"));
            assertEquals(1, tokens.get());
            FakeRegistry.Request tokenRequest = fake.requests.stream().filter(r -> r.uri().startsWith("/token"))
                    .findFirst().orElseThrow();
            assertEquals("/token?service=fake&scope=repository%3Aa%2Fr%3Apull", tokenRequest.uri());
            assertNull(tokenRequest.header("Authorization"));
        }
    }

    private static String realm(com.sun.net.httpserver.HttpExchange x) {
        return "http://127.0.0.1:" + x.getLocalAddress().getPort() + "/token";
    }

    @Test
    void bearer_tokenExpired_fetchesNewOne() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            if (r.uri().startsWith("/token")) {
                tokens.incrementAndGet();
                FakeRegistry.send(x, 200, "{\"token\":\"tok\",\"expires_in\":120,\"issued_at\":\""
                        + java.time.Instant.now() + "\"}");
            } else if (!"Bearer tok".equals(r.header("Authorization"))) {
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm(x) + "\",service=\"fake\"");
                FakeRegistry.send(x, 401, "");
            } else {
                FakeRegistry.send(x, 200, MediaType.OCI_MANIFEST, MANIFEST);
            }
        })) {
            java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                    new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.now());
            java.time.Clock clock = new java.time.Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return java.time.ZoneOffset.UTC;
                }

                @Override
                public java.time.Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public java.time.Instant instant() {
                    return now.get();
                }
            };
            RegistryClient client = RegistryClient.builder().plainHttpRegistry(fake.host()).retryPolicy(FAST)
                    .clock(clock).build();
            client.pullManifest(ref(fake, "a/r:t"));
            now.set(now.get().plusSeconds(60));
            client.pullManifest(ref(fake, "a/r:t"));
            assertEquals(1, tokens.get(), "reused before expiry");
            now.set(now.get().plusSeconds(60));
            client.pullManifest(ref(fake, "a/r:t"));
            assertEquals(2, tokens.get(), "renewed at expiry");
        }
    }

    @Test
    void bearer_refreshTokenPostNotSupported_fallsBackToGetWithBasic() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            if (r.uri().startsWith("/token") && r.method().equals("POST")) {
                FakeRegistry.send(x, 404, "");
            } else if (r.uri().startsWith("/token")) {
                FakeRegistry.send(x, 200, "{\"token\":\"tok\"}");
            } else if (!"Bearer tok".equals(r.header("Authorization"))) {
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm(x) + "\",service=\"fake\"");
                FakeRegistry.send(x, 401, "");
            } else {
                FakeRegistry.send(x, 200, MediaType.OCI_MANIFEST, MANIFEST);
            }
        })) {
            RegistryClient client = client(fake, CredentialProvider.of(fake.host(),
                    new Credentials("bob", "pw", "refresh-me", null)));
            client.pullManifest(ref(fake, "a/r:t"));
            List<FakeRegistry.Request> tokenRequests = fake.requests.stream()
                    .filter(r -> r.uri().startsWith("/token")).toList();
            assertEquals(List.of("POST", "GET"), tokenRequests.stream().map(FakeRegistry.Request::method).toList());
            assertTrue(new String(tokenRequests.get(0).body(), StandardCharsets.UTF_8)
                    .contains("grant_type=refresh_token&refresh_token=refresh-me"));
            assertEquals("Basic " + java.util.Base64.getEncoder().encodeToString("bob:pw".getBytes(StandardCharsets.UTF_8)),
                    tokenRequests.get(1).header("Authorization"));
        }
    }

    @Test
    void pushBlob_chunkMinLength_chunksAreAtLeastThatLong() throws Exception {
        byte[] blob = new byte[10_000];
        new java.util.Random(4).nextBytes(blob);
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            switch (r.method()) {
                case "POST" -> {
                    x.getResponseHeaders().add("Location", "/upload/1");
                    x.getResponseHeaders().add("OCI-Chunk-Min-Length", "4000");
                    FakeRegistry.send(x, 202, "");
                }
                case "PATCH" -> {
                    x.getResponseHeaders().add("Location", "/upload/1");
                    FakeRegistry.send(x, 202, "");
                }
                default -> FakeRegistry.send(x, 201, "");
            }
        })) {
            Path file = temp.resolve("blob");
            Files.write(file, blob);
            RegistryClient client = RegistryClient.builder().plainHttpRegistry(fake.host()).chunkSize(1000).build();
            client.pushBlob(ref(fake, "a/r"), Descriptor.of("application/octet-stream", blob), file, null);
            List<FakeRegistry.Request> patches = fake.requests.stream().filter(r -> r.method().equals("PATCH")).toList();
            assertEquals(List.of("0-3999", "4000-7999", "8000-9999"),
                    patches.stream().map(r -> r.header("Content-Range")).toList());
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (FakeRegistry.Request p : patches) {
                all.write(p.body());
            }
            assertArrayEquals(blob, all.toByteArray());
        }
    }

    @Test
    void referrers_linkPagination_followed() throws Exception {
        Descriptor a = Descriptor.of(MediaType.OCI_MANIFEST, Digest.of(new byte[] {1}), 1);
        Descriptor b = Descriptor.of(MediaType.OCI_MANIFEST, Digest.of(new byte[] {2}), 1);
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            if (r.uri().contains("page=2")) {
                FakeRegistry.send(x, 200, MediaType.OCI_INDEX, Json.write(ImageIndex.of(List.of(b))));
            } else {
                x.getResponseHeaders().add("Link", "<" + r.uri() + "?page=2>; rel=\"next\"");
                FakeRegistry.send(x, 200, MediaType.OCI_INDEX, Json.write(ImageIndex.of(List.of(a))));
            }
        })) {
            assertEquals(List.of(a, b), client(fake).referrers(ref(fake, "a/r"), Digest.of(new byte[] {3}), null));
        }
    }

    @Test
    void referrers_filterAppliedByRegistry_notFilteredAgain() throws Exception {
        Descriptor a = new Descriptor(MediaType.OCI_MANIFEST, Digest.of(new byte[] {1}), 1, null, null, null, "t/a", null);
        Descriptor b = new Descriptor(MediaType.OCI_MANIFEST, Digest.of(new byte[] {2}), 1, null, null, null, "t/b", null);
        byte[] index = Json.write(ImageIndex.of(List.of(a, b)));
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            if (r.uri().contains("artifactType=t%2Fa") && r.uri().contains("applied")) {
                x.getResponseHeaders().add("OCI-Filters-Applied", "artifactType");
            }
            FakeRegistry.send(x, 200, MediaType.OCI_INDEX, index);
        })) {
            RegistryClient client = client(fake);
            Digest subject = Digest.of(new byte[] {3});
            assertEquals(List.of(a), client.referrers(ref(fake, "a/r"), subject, "t/a"));
            assertEquals(2, client.referrers(ref(fake, "a/r"), subject, null).size());
            assertTrue(fake.requests.get(0).uri().equals("/v2/a/r/referrers/" + subject + "?artifactType=t%2Fa"));
        }
    }

    @Test
    void ping_notARegistry_notFound() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> FakeRegistry.send(x, 404, "text/plain",
                "nothing here".getBytes(StandardCharsets.UTF_8)))) {
            assertThrows(NotFoundException.class, () -> client(fake).ping(fake.host()));
        }
    }

    @Test
    void ping_loopbackPlainServer_sniffedOnceThenSpokenToOverHttp() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> FakeRegistry.send(x, 200, "{}"))) {
            RegistryClient client = RegistryClient.builder().build();
            client.ping(fake.host());
            client.ping(fake.host());
            // one raw GET /v2/ that tells plain HTTP from TLS, then the two pings; no HTTPS attempt
            assertEquals(3, fake.requests.size());
            assertTrue(fake.requests.stream().allMatch(q -> q.uri().equals("/v2/")), fake.requests.toString());
        }
    }

    private static java.net.InetAddress nonLoopbackAddress() throws Exception {
        for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        throw new IllegalStateException("this test needs a non-loopback IPv4 address on some interface");
    }

    @Test
    void ping_nonLoopbackPlainHttpRegistry_onlyWhenConfiguredInsecure() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> FakeRegistry.send(x, 200, "{}"), nonLoopbackAddress())) {
            RegistryClient secure = RegistryClient.builder().retryPolicy(RetryPolicy.NONE)
                    .requestTimeout(Duration.ofSeconds(2)).build();
            RegistryException e = assertThrows(RegistryException.class, () -> secure.ping(fake.host()));
            assertEquals(0, e.status());
            assertTrue(e.getMessage().contains(fake.host()), e.getMessage());
            assertEquals(0, fake.requests.size(), "no plain HTTP request was made");

            RegistryClient insecure = RegistryClient.builder().insecureRegistry(fake.host())
                    .requestTimeout(Duration.ofSeconds(10)).build();
            insecure.ping(fake.host());
            assertEquals(1, fake.requests.size());
        }
    }

    @Test
    void warnings_299_collectedAndDeduplicated() throws Exception {
        try (FakeRegistry fake = new FakeRegistry((x, r) -> {
            x.getResponseHeaders().add("Warning", "299 - \"this repository is deprecated\"");
            FakeRegistry.send(x, 200, MediaType.OCI_MANIFEST, MANIFEST);
        })) {
            RegistryClient client = client(fake);
            client.pullManifest(ref(fake, "a/r:t"));
            client.pullManifest(ref(fake, "a/r:t"));
            assertEquals(java.util.Set.of("this repository is deprecated"), client.warnings());
        }
    }
}
