package io.jbuild.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.CredentialProvider;
import io.jbuild.registry.Credentials;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.TestImages;
import io.jbuild.registry.TestRegistry;
import io.jbuild.registry.sign.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbuild:push} (with signing), {@code jbuild:sign} and {@code jbuild:verify} run in-process against a
 * real docker-registry with Basic authentication, the credentials coming from settings.xml with a password
 * encrypted as {@code mvn --encrypt-password} does.
 */
class PushSignVerifyIT {
    private static TestRegistry registry;

    @TempDir
    Path temp;

    private MavenPasswords passwords;
    private Settings settings;
    private MavenProject project;
    private HostEnvironment environment;
    private BlobStore store;
    private Descriptor manifest;
    private Path key;
    private Path publicKey;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.startWithBasicAuth();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        passwords = MavenPasswords.create(temp, "master-secret");
        settings = new Settings();
        Server server = new Server();
        server.setId(registry.host());
        server.setUsername(TestRegistry.USER);
        server.setPassword(passwords.encrypt(TestRegistry.PASSWORD));
        settings.addServer(server);
        Server signing = new Server();
        signing.setId("cosign");
        signing.setPassphrase(passwords.encrypt("key-password"));
        settings.addServer(signing);

        Model model = new Model();
        model.setArtifactId("app");
        model.setVersion("1.0");
        project = new MavenProject(model);
        project.setFile(temp.resolve("project/pom.xml").toFile());
        environment = new HostEnvironment(Map.of("DOCKER_CONFIG", temp.resolve("docker").toString()),
                temp.resolve("home"), false);

        store = BlobStore.open(temp.resolve("store"));
        manifest = TestImages.busybox(store).manifest();
        store.tag(ImageReference.parse(tag()).toString(), manifest);

        KeyPair keys = KeyFiles.generateKeyPair();
        key = temp.resolve("cosign.key");
        Files.write(key, KeyFiles.writeEncryptedPrivateKey(keys.getPrivate(), "key-password".toCharArray()));
        publicKey = temp.resolve("cosign.pub");
        Files.write(publicKey, KeyFiles.writePublicKey(keys.getPublic()));
    }

    private static String tag() {
        return registry.host() + "/maven/app:1.0";
    }

    private <T extends AbstractJbuildMojo> T configure(T mojo, RecordingLog log) {
        mojo.setLog(log);
        mojo.project = project;
        mojo.settings = settings;
        mojo.settingsDecrypter = decrypter();
        mojo.environment = environment;
        mojo.storeRoot = temp.resolve("store").toFile();
        mojo.metadataFile = temp.resolve("project/target/jbuild-image.json").toFile();
        return mojo;
    }

    private org.apache.maven.settings.crypto.SettingsDecrypter decrypter() {
        try {
            return passwords.decrypter();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private RegistryClient authenticatedClient() {
        return RegistryClient.builder().credentials(CredentialProvider.of(registry.host(),
                Credentials.of(TestRegistry.USER, TestRegistry.PASSWORD))).build();
    }

    @Test
    void push_tagsFromMetadataFileWithSettingsCredentials_pushesSignsAndRecordsDigest() throws Exception {
        new BuiltImage(manifest.digest(), manifest.digest(), manifest.mediaType(), manifest.size(), List.of(tag()),
                List.of()).write(null, temp.resolve("project/target/jbuild-image.json"));
        RecordingLog log = new RecordingLog();
        PushMojo push = configure(new PushMojo(), log);
        push.sign = true;
        push.signingKey = key.toFile();
        push.signingServerId = "cosign";
        push.signatureAnnotations = List.of("pipeline=ci");
        push.execute();

        Descriptor remote = authenticatedClient().checkManifest(ImageReference.parse(tag())).orElseThrow();
        assertEquals(manifest.digest(), remote.digest());
        BuiltImage recorded = BuiltImage.read(temp.resolve("project/target/jbuild-image.json"));
        assertEquals(List.of(ImageReference.parse(tag()) + "@" + manifest.digest()), recorded.pushed());
        assertTrue(log.lines().contains("INFO 1.0: digest: " + manifest.digest() + " size: " + manifest.size()),
                log.lines().toString());
        assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("INFO Signed ")), log.lines().toString());

        RecordingLog verifyLog = new RecordingLog();
        VerifyMojo verify = configure(new VerifyMojo(), verifyLog);
        verify.tags = List.of(tag());
        verify.publicKey = publicKey.toFile();
        verify.signatureAnnotations = List.of("pipeline=ci");
        verify.execute();
        assertTrue(verifyLog.lines().stream().anyMatch(l -> l.startsWith("INFO Verified ") && l.contains("1 signature")),
                verifyLog.lines().toString());
    }

    @Test
    void verify_wrongKey_failsTheBuild() throws Exception {
        PushMojo push = configure(new PushMojo(), new RecordingLog());
        push.tags = List.of(tag());
        push.execute();

        SignMojo sign = configure(new SignMojo(), new RecordingLog());
        sign.tags = List.of(tag());
        sign.signingKey = key.toFile();
        sign.signingKeyPassword = "key-password";
        sign.execute();

        Path otherPublic = temp.resolve("other.pub");
        Files.write(otherPublic, KeyFiles.writePublicKey(KeyFiles.generateKeyPair().getPublic()));
        VerifyMojo verify = configure(new VerifyMojo(), new RecordingLog());
        verify.tags = List.of(tag());
        verify.publicKey = otherPublic.toFile();
        MojoFailureException e = assertThrows(MojoFailureException.class, verify::execute);
        assertTrue(e.getMessage().startsWith("verify " + ImageReference.parse(tag()) + "@" + manifest.digest() + ": "),
                e.getMessage());

        verify.publicKey = publicKey.toFile();
        verify.execute();
    }

    @Test
    void push_withoutCredentials_failsUnauthorized() throws Exception {
        settings.getServers().clear();
        PushMojo push = configure(new PushMojo(), new RecordingLog());
        push.tags = List.of(tag());
        MojoFailureException e = assertThrows(MojoFailureException.class, push::execute);
        assertTrue(e.getMessage().startsWith("push " + ImageReference.parse(tag()) + ": "), e.getMessage());
    }

    @Test
    void push_tagNotInStore_failsNamingTheStore() {
        PushMojo push = configure(new PushMojo(), new RecordingLog());
        push.tags = List.of(registry.host() + "/maven/missing:1");
        MojoFailureException e = assertThrows(MojoFailureException.class, push::execute);
        assertTrue(e.getMessage().contains("no such image in the store " + temp.resolve("store")), e.getMessage());
    }

    @Test
    void sign_wrongPassword_failsWithRemedy() {
        SignMojo sign = configure(new SignMojo(), new RecordingLog());
        sign.tags = List.of(tag());
        sign.signingKey = key.toFile();
        sign.signingKeyPassword = "wrong";
        MojoFailureException e = assertThrows(MojoFailureException.class, sign::execute);
        assertTrue(e.getMessage().endsWith("(set <signingKeyPassword>, <signingServerId> or COSIGN_PASSWORD)"),
                e.getMessage());
    }
}
