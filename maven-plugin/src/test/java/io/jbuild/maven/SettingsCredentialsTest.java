package io.jbuild.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.registry.CredentialProvider;
import io.jbuild.registry.Credentials;
import io.jbuild.registry.RegistryException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsCredentialsTest {
    private static final Credentials FALLBACK = Credentials.of("docker-user", "docker-pass");

    @TempDir
    Path dir;

    private static Settings settings(Server... servers) {
        Settings settings = new Settings();
        for (Server server : servers) {
            settings.addServer(server);
        }
        return settings;
    }

    private static Server server(String id, String username, String password) {
        Server server = new Server();
        server.setId(id);
        server.setUsername(username);
        server.setPassword(password);
        return server;
    }

    private static CredentialProvider fallback() {
        return registry -> registry.equals("fallback.example") ? Optional.of(FALLBACK) : Optional.empty();
    }

    @Test
    void find_serverNamedAfterHost_givesItsCredentials() throws Exception {
        var credentials = new SettingsCredentials(settings(server("127.0.0.1:5000", "alice", "pw")), null, fallback());
        Credentials found = credentials.find("127.0.0.1:5000").orElseThrow();
        assertEquals("alice", found.username());
        assertEquals("pw", found.password());
    }

    @Test
    void find_noMatchingServer_asksFallback() throws Exception {
        var credentials = new SettingsCredentials(settings(server("other", "alice", "pw")), null, fallback());
        assertEquals(Optional.of(FALLBACK), credentials.find("fallback.example"));
        assertEquals(Optional.empty(), credentials.find("ghcr.io"));
    }

    @Test
    void find_encryptedPassword_isDecryptedWithMasterPassword() throws Exception {
        MavenPasswords passwords = MavenPasswords.create(dir, "master-secret");
        String encrypted = passwords.encrypt("s3cret-pass");
        assertTrue(encrypted.startsWith("{") && encrypted.endsWith("}"), encrypted);
        var credentials = new SettingsCredentials(settings(server("ghcr.io", "alice", encrypted)),
                passwords.decrypter(), fallback());
        assertEquals("s3cret-pass", credentials.find("ghcr.io").orElseThrow().password());
    }

    @Test
    void find_encryptedPasswordWithoutMasterPassword_failsNamingTheServer() throws Exception {
        String encrypted = MavenPasswords.create(dir, "master-secret").encrypt("s3cret-pass");
        var decrypter = new org.apache.maven.settings.crypto.DefaultSettingsDecrypter(
                new org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher(
                        new org.sonatype.plexus.components.cipher.DefaultPlexusCipher(), java.util.Map.of(),
                        dir.resolve("missing-settings-security.xml").toString()));
        var credentials = new SettingsCredentials(settings(server("ghcr.io", "alice", encrypted)), decrypter,
                fallback());
        RegistryException e = assertThrows(RegistryException.class, () -> credentials.find("ghcr.io"));
        assertTrue(e.getMessage().startsWith("decrypt the password of settings.xml server ghcr.io: "), e.getMessage());
    }

    @Test
    void find_dockerHubAlias_matchesIndexServerId() throws Exception {
        var credentials = new SettingsCredentials(settings(server("https://index.docker.io/v1/", "bob", "hub")),
                null, fallback());
        assertEquals("bob", credentials.find("docker.io").orElseThrow().username());
    }

    @Test
    void find_serverWithPasswordOnly_givesRegistryToken() throws Exception {
        var credentials = new SettingsCredentials(settings(server("registry.example", null, "tok")), null, fallback());
        Credentials found = credentials.find("registry.example").orElseThrow();
        assertEquals("tok", found.registryToken());
    }

    @Test
    void find_noSettings_asksFallback() throws Exception {
        assertEquals(Optional.of(FALLBACK), new SettingsCredentials(null, null, fallback()).find("fallback.example"));
    }
}
