package io.jbuild.registry.sign;

import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.MediaType;
import io.jbuild.registry.sign.VerificationException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CosignSignerVerifierTest {
    private static final ImageReference IMAGE = parse("127.0.0.1:5000/demo/hello:latest");
    private static final Digest DIGEST = Digest.fromString(
            "sha256:be4fe13b3aea1185b0d6f4a6468ca0811b7a2dee3f3232077e0f7f9f5cd83154");
    private static final String TAG = "sha256-be4fe13b3aea1185b0d6f4a6468ca0811b7a2dee3f3232077e0f7f9f5cd83154.sig";

    private final KeyPair alice = KeyFiles.generateKeyPair();
    private final KeyPair bob = KeyFiles.generateKeyPair();

    @Test
    void verify_conformanceExampleSignature_verifiesWithCosignPub() throws Exception {
        CosignVerifier verifier = new CosignVerifier(KeyFiles.readPublicKey(CosignExample.bytes("cosign.pub")));
        assertTrue(verifier.verify(CosignExample.bytes("payload.json"), CosignExample.bytes("signature.der")));
    }

    @Test
    void verify_exampleWithAnyByteFlipped_fails() throws Exception {
        CosignVerifier verifier = new CosignVerifier(KeyFiles.readPublicKey(CosignExample.bytes("cosign.pub")));
        byte[] payload = CosignExample.bytes("payload.json");
        byte[] signature = CosignExample.bytes("signature.der");
        for (int i = 0; i < payload.length; i++) {
            byte[] tampered = payload.clone();
            tampered[i] ^= 1;
            assertFalse(verifier.verify(tampered, signature), "payload byte " + i);
        }
        for (int i = 0; i < signature.length; i++) {
            byte[] tampered = signature.clone();
            tampered[i] ^= 1;
            boolean valid;
            try {
                valid = verifier.verify(payload, tampered);
            } catch (SignatureException malformed) {
                valid = false;
            }
            assertFalse(valid, "signature byte " + i);
        }
    }

    @Test
    void verify_exampleStoredInRepository_verifies() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        repo.putBlob(Digest.of(CosignExample.bytes("payload.json")), CosignExample.bytes("payload.json"));
        repo.putBlob(Digest.of(CosignExample.bytes("sig-config.json")), CosignExample.bytes("sig-config.json"));
        repo.putManifest(CosignExample.fact("signature_tag"), MediaType.OCI_MANIFEST, CosignExample.bytes("sig-manifest.json"));
        CosignVerifier verifier = new CosignVerifier(KeyFiles.readPublicKey(CosignExample.bytes("cosign.pub")));
        List<VerifiedSignature> verified = verifier.verify(repo, DIGEST, Map.of());
        assertEquals(1, verified.size());
        assertEquals("127.0.0.1:5000/demo/hello", verified.get(0).payload().dockerReference());
    }

    @Test
    void sign_freshKey_writesBlobsBeforeManifestAndVerifies() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        SignResult result = new CosignSigner(alice).sign(repo, IMAGE, DIGEST, Map.of());
        assertTrue(result.appended());
        assertEquals(TAG, result.tag());
        assertEquals(List.of("blob " + Digest.fromString(CosignExample.fact("payload_digest")),
                "blob " + Digest.fromString(CosignExample.fact("sig_config_digest")), "manifest " + TAG), repo.writes);
        assertEquals(MediaType.OCI_MANIFEST, repo.manifestTypes.get(TAG));
        assertEquals(result.manifestDigest(), Digest.of(repo.manifests.get(TAG)));
        List<VerifiedSignature> verified = new CosignVerifier(alice.getPublic()).verify(repo, DIGEST, null);
        assertEquals(1, verified.size());
        assertArrayEquals(CosignExample.bytes("payload.json"), verified.get(0).payload().toBytes());
    }

    @Test
    void sign_twoSigners_bothVerifyAndFirstSignatureKept() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        SignResult first = new CosignSigner(alice).sign(repo, IMAGE, DIGEST, Map.of());
        new CosignSigner(bob).sign(repo, IMAGE, DIGEST, Map.of());
        SignatureImage image = SignatureImage.parse(repo.manifests.get(TAG), null);
        assertEquals(2, image.layers().size());
        assertEquals(first.layer(), image.layers().get(0));
        assertEquals(List.of(0), layers(new CosignVerifier(alice.getPublic()).verify(repo, DIGEST, Map.of())));
        assertEquals(List.of(1), layers(new CosignVerifier(bob.getPublic()).verify(repo, DIGEST, Map.of())));
        String config = new String(repo.blobs.get(SignatureImage.parseManifest(repo.manifests.get(TAG)).config().digest()),
                StandardCharsets.UTF_8);
        assertTrue(config.contains("\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"},{\"created\":\"0001-01-01T00:00:00Z\"}]"),
                config);
    }

    @Test
    void sign_sameKeyTwice_doesNotDuplicate() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        CosignSigner signer = new CosignSigner(alice);
        SignResult first = signer.sign(repo, IMAGE, DIGEST, Map.of());
        SignResult again = signer.sign(repo, IMAGE, DIGEST, Map.of());
        assertFalse(again.appended());
        assertEquals(first.manifestDigest(), again.manifestDigest());
        assertEquals(3, repo.writes.size());
        SignResult annotated = signer.sign(repo, IMAGE, DIGEST, Map.of("build", "42"));
        assertTrue(annotated.appended());
        assertEquals(2, SignatureImage.parseManifest(repo.manifests.get(TAG)).layers().size());
    }

    @Test
    void verify_noSignatureTag_reportsNoSignatures() throws Exception {
        VerificationException e = assertThrows(VerificationException.class,
                () -> new CosignVerifier(alice.getPublic()).verify(new InMemorySignatureRepository(), DIGEST, Map.of()));
        assertEquals(List.of(Reason.NO_SIGNATURES), e.reasons());
        assertEquals("verify signatures of " + DIGEST + ": no signatures found (no tag " + TAG + ")", e.getMessage());
    }

    @Test
    void verify_otherKey_reportsWrongKey() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        new CosignSigner(alice).sign(repo, IMAGE, DIGEST, Map.of());
        VerificationException e = assertThrows(VerificationException.class,
                () -> new CosignVerifier(bob.getPublic()).verify(repo, DIGEST, Map.of()));
        assertEquals(List.of(Reason.WRONG_KEY), e.reasons());
        assertTrue(e.getMessage().contains("layer 0 (" + Digest.fromString(CosignExample.fact("payload_digest")) + "): signature does not verify"),
                e.getMessage());
    }

    @Test
    void verify_signatureOfOtherImage_reportsDigestMismatch() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        Digest other = Digest.of("other".getBytes(StandardCharsets.UTF_8));
        // a signature for another image copied under this image's tag
        new CosignSigner(alice).sign(repo, IMAGE, other, Map.of());
        repo.manifests.put(TAG, repo.manifests.get(SignatureImage.tag(other)));
        VerificationException e = assertThrows(VerificationException.class,
                () -> new CosignVerifier(alice.getPublic()).verify(repo, DIGEST, Map.of()));
        assertEquals(List.of(Reason.DIGEST_MISMATCH), e.reasons());
        assertTrue(e.getMessage().contains("payload names " + other + ", expected " + DIGEST), e.getMessage());
    }

    @Test
    void verify_tamperedPayloadBlob_reportsPayloadDigestMismatch() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        SignResult result = new CosignSigner(alice).sign(repo, IMAGE, DIGEST, Map.of());
        byte[] payload = repo.blobs.get(result.layer().digest());
        payload[20] ^= 1;
        VerificationException e = assertThrows(VerificationException.class,
                () -> new CosignVerifier(alice.getPublic()).verify(repo, DIGEST, Map.of()));
        assertEquals(List.of(Reason.PAYLOAD_DIGEST_MISMATCH), e.reasons());
    }

    @Test
    void verify_tamperedPayloadWithMatchingDescriptor_reportsWrongKey() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        SignResult result = new CosignSigner(alice).sign(repo, IMAGE, DIGEST, Map.of());
        byte[] forged = new SimpleSigningPayload("evil.io/x", DIGEST, null).toBytes();
        SignatureLayer layer = new SignatureLayer(result.layer().mediaType(), Digest.of(forged), forged.length,
                result.layer().annotations());
        store(repo, SignatureImage.empty().append(layer), forged);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new CosignVerifier(alice.getPublic()).verify(repo, DIGEST, Map.of()));
        assertEquals(List.of(Reason.WRONG_KEY), e.reasons());
    }

    @Test
    void verify_missingOrGarbledSignatureAnnotation_reportsBadSignature() throws Exception {
        byte[] payload = SimpleSigningPayload.of(IMAGE, DIGEST, null).toBytes();
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        SignatureLayer none = new SignatureLayer(SimpleSigningPayload.MEDIA_TYPE, Digest.of(payload), payload.length, Map.of());
        SignatureLayer notBase64 = new SignatureLayer(SimpleSigningPayload.MEDIA_TYPE, Digest.of(payload), payload.length,
                Map.of(SignatureLayer.SIGNATURE_ANNOTATION, "***"));
        SignatureLayer notDer = SignatureLayer.of(payload, new byte[64]);
        store(repo, SignatureImage.empty().append(none).append(notBase64).append(notDer), payload);
        VerificationException e = assertThrows(VerificationException.class,
                () -> new CosignVerifier(alice.getPublic()).verify(repo, DIGEST, Map.of()));
        assertEquals(3, e.failures().size());
        assertEquals(List.of(Reason.BAD_SIGNATURE), e.reasons());
        assertTrue(e.getMessage().contains("no dev.cosignproject.cosign/signature annotation"), e.getMessage());
    }

    @Test
    void verify_oversizedPayloadLayer_notFetchedAndReported() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        SignatureLayer huge = new SignatureLayer(SimpleSigningPayload.MEDIA_TYPE, Digest.of(new byte[1]),
                CosignVerifier.MAX_PAYLOAD_SIZE + 1, Map.of(SignatureLayer.SIGNATURE_ANNOTATION, "AQID"));
        SignatureImage image = SignatureImage.empty().append(huge);
        repo.putManifest(TAG, image.manifestMediaType(), image.manifestBytes());
        VerificationException e = assertThrows(VerificationException.class,
                () -> new CosignVerifier(alice.getPublic()).verify(repo, DIGEST, Map.of()));
        assertEquals(List.of(Reason.INVALID_PAYLOAD), e.reasons());
        assertTrue(e.getMessage().contains("exceeds the limit of 134217728 bytes"), e.getMessage());
    }

    @Test
    void verify_requiredAnnotations_mustMatchOptional() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        new CosignSigner(alice).sign(repo, IMAGE, DIGEST, Map.of("env", "prod"));
        CosignVerifier verifier = new CosignVerifier(alice.getPublic());
        assertEquals(1, verifier.verify(repo, DIGEST, Map.of("env", "prod")).size());
        VerificationException e = assertThrows(VerificationException.class,
                () -> verifier.verify(repo, DIGEST, Map.of("env", "dev")));
        assertEquals(List.of(Reason.ANNOTATION_MISMATCH), e.reasons());
        assertTrue(e.getMessage().contains("env is \"prod\", expected \"dev\""), e.getMessage());
        VerificationException missing = assertThrows(VerificationException.class,
                () -> verifier.verify(repo, DIGEST, Map.of("team", "a")));
        assertTrue(missing.getMessage().contains("team is missing"), missing.getMessage());
    }

    @Test
    void verify_oneGoodAmongBadLayers_passes() throws Exception {
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        new CosignSigner(bob).sign(repo, IMAGE, DIGEST, Map.of());
        new CosignSigner(alice).sign(repo, IMAGE, DIGEST, Map.of());
        List<VerifiedSignature> verified = new CosignVerifier(alice.getPublic()).verify(repo, DIGEST, Map.of());
        assertEquals(List.of(1), layers(verified));
    }

    /** Interop: OpenSSL accepts what we sign with a key we wrote as cosign.key/cosign.pub. */
    @Test
    void sign_ourSignature_verifiesWithOpensslDgst(@TempDir Path dir) throws Exception {
        char[] password = "pw".toCharArray();
        KeyPair pair = KeyFiles.readPrivateKey(KeyFiles.writeEncryptedPrivateKey(alice.getPrivate(), password), password);
        Files.write(dir.resolve("cosign.pub"), KeyFiles.writePublicKey(pair.getPublic()));
        InMemorySignatureRepository repo = new InMemorySignatureRepository();
        SignResult result = new CosignSigner(pair).sign(repo, IMAGE, DIGEST, Map.of("a", "<b>"));
        Files.write(dir.resolve("payload.json"), repo.blobs.get(result.layer().digest()));
        Files.write(dir.resolve("sig.der"), Base64.getDecoder().decode(result.layer().signatureBase64().orElseThrow()));
        KeyFilesTest.run(dir, "openssl", "dgst", "-sha256", "-verify", "cosign.pub", "-signature", "sig.der", "payload.json");
    }

    /** Interop the other way: OpenSSL signs, we verify. */
    @Test
    void verify_opensslSignature_verifies(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("payload.json"), CosignExample.bytes("payload.json"));
        KeyFilesTest.run(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        KeyFilesTest.run(dir, "openssl", "dgst", "-sha256", "-sign", "key.pem", "-out", "sig.der", "payload.json");
        PublicKey key = KeyFiles.readPrivateKey(Files.readAllBytes(dir.resolve("key.pem")), null).getPublic();
        assertTrue(new CosignVerifier(key).verify(CosignExample.bytes("payload.json"), Files.readAllBytes(dir.resolve("sig.der"))));
    }

    private static void store(InMemorySignatureRepository repo, SignatureImage image, byte[] payload) {
        repo.putBlob(Digest.of(payload), payload);
        repo.putBlob(Digest.of(image.configBytes()), image.configBytes());
        repo.putManifest(TAG, image.manifestMediaType(), image.manifestBytes());
    }

    private static List<Integer> layers(List<VerifiedSignature> verified) {
        return verified.stream().map(VerifiedSignature::layer).toList();
    }

    private static ImageReference parse(String text) {
        try {
            return ImageReference.parse(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
