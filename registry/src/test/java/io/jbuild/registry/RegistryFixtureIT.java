package io.jbuild.registry;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryFixtureIT {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void start_noAuth_answersVersionCheckAndDeletesStorageOnClose() throws Exception {
        java.nio.file.Path storage;
        try (TestRegistry registry = TestRegistry.start()) {
            HttpResponse<String> r = get("http://" + registry.host() + "/v2/", null);
            assertEquals(200, r.statusCode());
            assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElse(""));
            storage = registry.dir();
            assertTrue(java.nio.file.Files.isDirectory(storage));
        }
        assertFalse(java.nio.file.Files.exists(storage));
    }

    @Test
    void start_basicAuth_requiresThePassword() throws Exception {
        try (TestRegistry registry = TestRegistry.startWithBasicAuth()) {
            HttpResponse<String> anonymous = get("http://" + registry.host() + "/v2/", null);
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
            String basic = "Basic " + Base64.getEncoder().encodeToString(
                    (TestRegistry.USER + ":" + TestRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertEquals(200, get("http://" + registry.host() + "/v2/", basic).statusCode());
            String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8));
            assertEquals(401, get("http://" + registry.host() + "/v2/", wrong).statusCode());
        }
    }

    @Test
    void start_tokenAuth_acceptsTokensOfTheTestServer() throws Exception {
        try (TestRegistry registry = TestRegistry.startWithTokenAuth()) {
            HttpResponse<String> anonymous = get("http://" + registry.host() + "/v2/", null);
            assertEquals(401, anonymous.statusCode());
            String challenge = anonymous.headers().firstValue("WWW-Authenticate").orElse("");
            assertTrue(challenge.startsWith("Bearer"), challenge);
            String basic = "Basic " + Base64.getEncoder().encodeToString(
                    (TestRegistry.USER + ":" + TestRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
            String realm = registry.tokenServer().realm();
            assertEquals(401, get(realm + "?service=" + TestTokenServer.SERVICE, null).statusCode());
            HttpResponse<String> token = get(realm + "?service=" + TestTokenServer.SERVICE
                    + "&scope=repository:a/b:pull,push", basic);
            assertEquals(200, token.statusCode(), token.body());
            String jwt = new com.fasterxml.jackson.databind.ObjectMapper().readTree(token.body()).get("token").asText();
            HttpResponse<String> ok = get("http://" + registry.host() + "/v2/", "Bearer " + jwt);
            assertEquals(200, ok.statusCode(), ok.body() + registry.log());
            HttpResponse<String> tags = get("http://" + registry.host() + "/v2/a/b/tags/list", "Bearer " + jwt);
            assertFalse(tags.statusCode() == 401, tags.body());
        }
    }
}
