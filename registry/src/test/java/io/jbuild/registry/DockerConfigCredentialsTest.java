package io.jbuild.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DockerConfigCredentialsTest {
    @TempDir
    Path temp;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private DockerConfigCredentials inDockerConfig(String json) throws Exception {
        Path dir = Files.createDirectories(temp.resolve("docker"));
        Files.writeString(dir.resolve("config.json"), json);
        return DockerConfigCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", dir.toString(),
                "PATH", temp.resolve("bin").toString()), temp.resolve("home"));
    }

    private void helper(String name, String script) throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path file = bin.resolve("docker-credential-" + name);
        Files.writeString(file, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void find_authField_decodesUserAndPassword() throws Exception {
        var creds = inDockerConfig("{\"auths\":{\"r.example:5000\":{\"auth\":\"" + b64("bob:pa:ss") + "\"}}}");
        assertEquals(Optional.of(Credentials.of("bob", "pa:ss")), creds.find("r.example:5000"));
        assertEquals(Optional.empty(), creds.find("other.example"));
    }

    @Test
    void find_dockerHubKeyWithScheme_matchesDockerIo() throws Exception {
        var creds = inDockerConfig("{\"auths\":{\"https://index.docker.io/v1/\":{\"username\":\"u\",\"password\":\"p\"}}}");
        assertEquals(Optional.of(Credentials.of("u", "p")), creds.find("docker.io"));
    }

    @Test
    void find_identityAndRegistryTokens_returned() throws Exception {
        var creds = inDockerConfig("{\"auths\":{\"a.example\":{\"identitytoken\":\"refresh\"},"
                + "\"b.example\":{\"registrytoken\":\"bearer\"}}}");
        assertEquals("refresh", creds.find("a.example").orElseThrow().identityToken());
        assertEquals("bearer", creds.find("b.example").orElseThrow().registryToken());
    }

    @Test
    void find_credHelperForRegistry_runsHelperWithServerUrl() throws Exception {
        helper("fake", "read url\n[ \"$1\" = get ] || exit 3\n"
                + "echo \"{\\\"ServerURL\\\":\\\"$url\\\",\\\"Username\\\":\\\"helper-user\\\",\\\"Secret\\\":\\\"$url-secret\\\"}\"\n");
        var creds = inDockerConfig("{\"credHelpers\":{\"r.example\":\"fake\"},\"auths\":{\"r.example\":{\"auth\":\""
                + b64("ignored:x") + "\"}}}");
        assertEquals(Optional.of(Credentials.of("helper-user", "r.example-secret")), creds.find("r.example"));
    }

    @Test
    void find_credsStoreTokenUser_identityToken() throws Exception {
        helper("store", "read url\necho '{\"ServerURL\":\"x\",\"Username\":\"<token>\",\"Secret\":\"tok\"}'\n");
        var creds = inDockerConfig("{\"credsStore\":\"store\"}");
        Credentials c = creds.find("docker.io").orElseThrow();
        assertEquals("tok", c.identityToken());
    }

    @Test
    void find_helperSaysNotFound_empty() throws Exception {
        helper("none", "echo 'credentials not found in native keychain'\nexit 1\n");
        assertEquals(Optional.empty(), inDockerConfig("{\"credsStore\":\"none\"}").find("r.example"));
    }

    @Test
    void find_helperMissing_errorNamesIt() throws Exception {
        RegistryException e = assertThrows(RegistryException.class,
                () -> inDockerConfig("{\"credsStore\":\"absent\"}").find("r.example"));
        assertTrue(e.getMessage().contains("docker-credential-absent"), e.getMessage());
    }

    @Test
    void find_registryAuthFileFirst_thenDockerConfig() throws Exception {
        Path auth = temp.resolve("auth.json");
        Files.writeString(auth, "{\"auths\":{\"r.example\":{\"auth\":\"" + b64("podman:p") + "\"}}}");
        Path dir = Files.createDirectories(temp.resolve("docker"));
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"r.example\":{\"auth\":\"" + b64("docker:d")
                + "\"},\"s.example\":{\"auth\":\"" + b64("docker:s") + "\"}}}");
        var creds = DockerConfigCredentials.fromEnvironment(Map.of("REGISTRY_AUTH_FILE", auth.toString(),
                "DOCKER_CONFIG", dir.toString()), temp);
        assertEquals("podman", creds.find("r.example").orElseThrow().username());
        assertEquals("docker", creds.find("s.example").orElseThrow().username());
    }

    @Test
    void fromEnvironment_noDockerConfig_usesHomeDotDocker() {
        var creds = DockerConfigCredentials.fromEnvironment(Map.of("XDG_RUNTIME_DIR", "/run/user/1"), Path.of("/home/u"));
        assertEquals(java.util.List.of(Path.of("/run/user/1/containers/auth.json"), Path.of("/home/u/.docker/config.json")),
                creds.files());
    }

    @Test
    void find_invalidBase64_errorNamesFile() throws Exception {
        RegistryException e = assertThrows(RegistryException.class,
                () -> inDockerConfig("{\"auths\":{\"r.example\":{\"auth\":\"%%%\"}}}").find("r.example"));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }
}
