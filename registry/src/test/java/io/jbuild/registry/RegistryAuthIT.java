package io.jbuild.registry;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.MediaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Basic (htpasswd) and token authentication against a real docker-registry. */
class RegistryAuthIT {
    @TempDir
    Path temp;

    private static Credentials good() {
        return Credentials.of(TestRegistry.USER, TestRegistry.PASSWORD);
    }

    private void roundTrip(TestRegistry registry, RegistryClient client) throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        TestImages.Image image = TestImages.image(store, "auth", 2, 5000);
        ImageReference target = ImageReference.parse(registry.host() + "/auth/image:v1");
        for (Descriptor blob : java.util.stream.Stream.concat(java.util.stream.Stream.of(image.config()),
                image.layers().stream()).toList()) {
            client.pushBlob(target, blob, store.blobPath(blob.digest()), null);
        }
        client.pushManifest(target, MediaType.OCI_MANIFEST, image.manifestBytes());
        assertArrayEquals(image.manifestBytes(), client.pullManifest(target).bytes());
        BlobStore back = BlobStore.open(temp.resolve("back"));
        client.pullBlob(target, image.layers().get(0), back);
        assertTrue(back.contains(image.layers().get(0).digest()));
        // mount from the repository just pushed: pull of the source and push of the target in one token
        assertTrue(client.pushBlob(ImageReference.parse(registry.host() + "/auth/other"), image.layers().get(1),
                store.blobPath(image.layers().get(1).digest()), "auth/image"));
    }

    @Test
    void basicAuth_goodCredentials_pushAndPull() throws Exception {
        try (TestRegistry registry = TestRegistry.startWithBasicAuth()) {
            RegistryClient client = RegistryClient.builder()
                    .credentials(CredentialProvider.of(registry.host(), good())).build();
            client.ping(registry.host());
            roundTrip(registry, client);
        }
    }

    @Test
    void basicAuth_wrongPassword_unauthorizedNamingTheRegistry() throws Exception {
        try (TestRegistry registry = TestRegistry.startWithBasicAuth()) {
            RegistryClient client = RegistryClient.builder()
                    .credentials(CredentialProvider.of(registry.host(), Credentials.of("alice", "wrong"))).build();
            UnauthorizedException e = assertThrows(UnauthorizedException.class,
                    () -> client.pullManifest(ImageReference.parse(registry.host() + "/a/b:c")));
            assertTrue(e.getMessage().contains(registry.host() + "/a/b:c"), e.getMessage());
            assertEquals(401, e.status());
        }
    }

    @Test
    void basicAuth_anonymous_unauthorized() throws Exception {
        try (TestRegistry registry = TestRegistry.startWithBasicAuth()) {
            RegistryClient client = RegistryClient.builder().build();
            assertThrows(UnauthorizedException.class, () -> client.ping(registry.host()));
        }
    }

    @Test
    void tokenAuth_goodCredentials_pushPullAndMountWithFewTokens() throws Exception {
        try (TestRegistry registry = TestRegistry.startWithTokenAuth()) {
            RegistryClient client = RegistryClient.builder()
                    .credentials(CredentialProvider.of(registry.host(), good())).build();
            roundTrip(registry, client);
            int tokens = registry.tokenServer().getRequests.get();
            assertTrue(tokens <= 4, "token requests: " + tokens + " " + registry.tokenServer().scopesRequested);
            assertTrue(registry.tokenServer().scopesRequested.contains("repository:auth/image:pull,push"),
                    registry.tokenServer().scopesRequested.toString());
            // the mount asked for push on the target and pull on the source in one token request
            String scopes = String.join(" ", client.transport().authenticator().tokenScopes(registry.host()));
            assertTrue(scopes.contains("repository:auth/other:pull,push") && scopes.contains("repository:auth/image:"),
                    scopes);
        }
    }

    @Test
    void tokenAuth_anonymous_unauthorizedFromTokenServer() throws Exception {
        try (TestRegistry registry = TestRegistry.startWithTokenAuth()) {
            RegistryClient client = RegistryClient.builder().build();
            UnauthorizedException e = assertThrows(UnauthorizedException.class,
                    () -> client.pullManifest(ImageReference.parse(registry.host() + "/a/b:c")));
            assertTrue(e.getMessage().contains(registry.host()), e.getMessage());
        }
    }

    @Test
    void tokenAuth_identityToken_usesOAuth2Post() throws Exception {
        try (TestRegistry registry = TestRegistry.startWithTokenAuth()) {
            RegistryClient client = RegistryClient.builder().credentials(CredentialProvider.of(registry.host(),
                    new Credentials(null, null, TestTokenServer.REFRESH_TOKEN, null))).build();
            client.ping(registry.host());
            assertThrows(NotFoundException.class,
                    () -> client.pullManifest(ImageReference.parse(registry.host() + "/a/b:c")));
            assertTrue(registry.tokenServer().postRequests.get() >= 1);
            assertEquals(0, registry.tokenServer().getRequests.get());
        }
    }

    @Test
    void tokenAuth_credentialsFromDockerConfig_pushAndPull() throws Exception {
        try (TestRegistry registry = TestRegistry.startWithTokenAuth()) {
            Path config = Files.createDirectories(temp.resolve("docker"));
            String auth = java.util.Base64.getEncoder().encodeToString(
                    (TestRegistry.USER + ":" + TestRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
            Files.writeString(config.resolve("config.json"),
                    "{\"auths\":{\"http://" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");
            RegistryClient client = RegistryClient.builder().credentials(DockerConfigCredentials.fromEnvironment(
                    Map.of("DOCKER_CONFIG", config.toString()), temp)).build();
            roundTrip(registry, client);
        }
    }
}
