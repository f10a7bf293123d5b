package io.jbuild.registry.sign;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.MediaType;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.TestImages;
import io.jbuild.registry.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signing and verifying through a real docker-registry. */
class RegistrySignatureRepositoryIT {
    private static TestRegistry registry;
    private static RegistryClient client;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.start();
        client = RegistryClient.builder().build();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private ImageReference ref(String text) throws Exception {
        return ImageReference.parse(registry.host() + "/" + text);
    }

    private Digest push(BlobStore store, String name, ImageReference target) throws Exception {
        TestImages.Image image = TestImages.image(store, name, 1, 1000);
        store.tag(name, image.manifest());
        new Pusher(client, store, 2).push(name, target);
        return image.manifest().digest();
    }

    @Test
    void signVerify_twoKeys_bothVerifyAndFirstKept() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        ImageReference target = ref("signed/app:v1");
        Digest digest = push(store, "app", target);
        RegistrySignatureRepository repository = new RegistrySignatureRepository(client, target,
                BlobStore.open(temp.resolve("scratch")));
        KeyPair first = KeyFiles.generateKeyPair();
        KeyPair second = KeyFiles.generateKeyPair();

        SignResult signed = new CosignSigner(first).sign(repository, target, digest, Map.of("env", "test"));
        assertEquals(SignatureImage.tag(digest), signed.tag());
        assertEquals(1, new CosignVerifier(first.getPublic()).verify(repository, digest, Map.of()).size());
        assertEquals(1, new CosignVerifier(first.getPublic()).verify(repository, digest, Map.of("env", "test")).size());

        new CosignSigner(second).sign(repository, target, digest, Map.of());
        assertEquals(1, new CosignVerifier(first.getPublic()).verify(repository, digest, Map.of()).size());
        assertEquals(1, new CosignVerifier(second.getPublic()).verify(repository, digest, Map.of()).size());
        assertEquals(2, SignatureImage.parseManifest(repository.getManifest(signed.tag()).orElseThrow()).layers().size());
    }

    @Test
    void getManifest_missingTag_empty() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        ImageReference target = ref("signed/missing:v1");
        push(store, "missing", target);
        RegistrySignatureRepository repository = new RegistrySignatureRepository(client, target,
                BlobStore.open(temp.resolve("scratch")));
        assertTrue(repository.getManifest("sha256-0000.sig").isEmpty());
    }

    @Test
    void verify_retaggedImageWithCopiedSignature_digestMismatch() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        ImageReference target = ref("signed/tamper:v1");
        Digest good = push(store, "good", target);
        RegistrySignatureRepository repository = new RegistrySignatureRepository(client, target,
                BlobStore.open(temp.resolve("scratch")));
        KeyPair keys = KeyFiles.generateKeyPair();
        new CosignSigner(keys).sign(repository, target, good, Map.of());

        Digest evil = push(store, "evil", target);
        byte[] signature = repository.getManifest(SignatureImage.tag(good)).orElseThrow();
        repository.putManifest(SignatureImage.tag(evil), MediaType.OCI_MANIFEST, signature);
        Digest tagged = client.checkManifest(target).orElseThrow().digest();
        assertEquals(evil, tagged);

        VerificationException e = assertThrows(VerificationException.class,
                () -> new CosignVerifier(keys.getPublic()).verify(repository, tagged, Map.of()));
        assertEquals(List.of(VerificationException.Reason.DIGEST_MISMATCH),
                e.failures().stream().map(VerificationException.Failure::reason).toList());
    }

    @Test
    void sign_fetchedBack_verifiesWithOpenssl() throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("store"));
        ImageReference target = ref("signed/openssl:v1");
        Digest digest = push(store, "openssl", target);
        RegistrySignatureRepository writer = new RegistrySignatureRepository(client, target,
                BlobStore.open(temp.resolve("scratch")));
        KeyPair keys = KeyFiles.generateKeyPair();
        new CosignSigner(keys).sign(writer, target, digest, Map.of());

        RegistrySignatureRepository reader = new RegistrySignatureRepository(client, target,
                BlobStore.open(temp.resolve("fresh")));
        var manifest = SignatureImage.parseManifest(reader.getManifest(SignatureImage.tag(digest)).orElseThrow());
        var layer = SignatureLayer.from(manifest.layers().get(0));
        byte[] payload = reader.getBlob(layer.digest());
        byte[] signature = layer.signature().orElseThrow();
        Files.write(temp.resolve("payload.json"), payload);
        Files.write(temp.resolve("sig.der"), signature);
        Files.write(temp.resolve("cosign.pub"), KeyFiles.writePublicKey(keys.getPublic()));
        Process process = new ProcessBuilder("openssl", "dgst", "-sha256", "-verify", "cosign.pub",
                "-signature", "sig.der", "payload.json").directory(temp.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("Verified OK"), output);
        assertArrayEquals(payload, SimpleSigningPayload.of(target, digest, Map.of()).toBytes());
    }
}
