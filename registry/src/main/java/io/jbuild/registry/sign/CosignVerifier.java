package io.jbuild.registry.sign;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.Manifest;
import io.jbuild.registry.RegistryException;
import io.jbuild.registry.sign.VerificationException.Failure;
import io.jbuild.registry.sign.VerificationException.Reason;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies tag-based cosign signatures with a public key, as {@code cosign verify --key cosign.pub
 * --insecure-ignore-tlog=true} does (no transparency log, no certificates): every layer of the
 * signature image is checked (signature over the exact payload bytes, payload type, signed
 * manifest digest, required annotations) and at least one must pass.
 */
public final class CosignVerifier {
    /** cosign's default limit for a payload blob (128 MiB); larger layers are not fetched. */
    public static final long MAX_PAYLOAD_SIZE = 128L * 1024 * 1024;

    private final PublicKey key;
    private final String algorithm;

    public CosignVerifier(PublicKey key) throws SignatureException {
        if (key == null) {
            throw new IllegalArgumentException("verifier needs a public key");
        }
        this.key = key;
        this.algorithm = KeyFiles.signatureAlgorithm(key);
    }

    /**
     * Whether {@code signature} is a valid signature over {@code payload} with this key.
     *
     * @throws SignatureException when the signature is malformed (not DER, wrong length)
     */
    public boolean verify(byte[] payload, byte[] signature) throws SignatureException {
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(payload);
            return verifier.verify(signature);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("verify with " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        } catch (java.security.SignatureException e) {
            throw new SignatureException("verify signature: malformed " + algorithm + " signature: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new SignatureException("verify signature: " + e.getMessage(), e);
        }
    }

    /** Whether {@code layer}'s signature verifies over {@code payload} (false when missing or malformed). */
    boolean verifies(SignatureLayer layer, byte[] payload) {
        try {
            Optional<byte[]> signature = layer.signature();
            return signature.isPresent() && verify(payload, signature.get());
        } catch (SignatureException e) {
            return false;
        }
    }

    /**
     * Verifies the signatures stored for the image with manifest digest {@code image}.
     *
     * @param requiredAnnotations each must appear with the same value in a payload's {@code optional}
     * @return the signatures that passed (at least one)
     * @throws VerificationException when none passed, naming each layer's reason
     */
    public List<VerifiedSignature> verify(SignatureRepository repository, Digest image,
                                          Map<String, String> requiredAnnotations) throws RegistryException {
        String tag = SignatureImage.tag(image);
        Optional<byte[]> manifestBytes = repository.getManifest(tag);
        if (manifestBytes.isEmpty()) {
            throw VerificationException.noSignatures(image, "no tag " + tag);
        }
        Manifest manifest = SignatureImage.parseManifest(manifestBytes.get());
        if (manifest.layers().isEmpty()) {
            throw VerificationException.noSignatures(image, "signature image " + tag + " has no layers");
        }
        List<byte[]> payloads = new ArrayList<>();
        for (Descriptor layer : manifest.layers()) {
            payloads.add(layer.size() > MAX_PAYLOAD_SIZE ? null : repository.getBlob(layer.digest()));
        }
        return verify(manifest, payloads, image, requiredAnnotations);
    }

    /**
     * Verifies a signature manifest whose payload blobs were already fetched ({@code payloads}
     * in layer order; a null entry stands for a payload too large to fetch).
     */
    public List<VerifiedSignature> verify(Manifest manifest, List<byte[]> payloads, Digest image,
                                          Map<String, String> requiredAnnotations) throws VerificationException {
        if (manifest.layers().isEmpty()) {
            throw VerificationException.noSignatures(image, "signature image has no layers");
        }
        if (payloads.size() != manifest.layers().size()) {
            throw new IllegalArgumentException(manifest.layers().size() + " layers but " + payloads.size() + " payloads");
        }
        Map<String, String> required = requiredAnnotations == null ? Map.of() : requiredAnnotations;
        List<VerifiedSignature> verified = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < manifest.layers().size(); i++) {
            SignatureLayer layer = SignatureLayer.from(manifest.layers().get(i));
            byte[] payload = payloads.get(i);
            Failure failure = check(i, layer, payload, image, required);
            if (failure == null) {
                verified.add(new VerifiedSignature(i, layer, parsePayload(payload)));
            } else {
                failures.add(failure);
            }
        }
        if (verified.isEmpty()) {
            throw VerificationException.failed(image, failures);
        }
        return List.copyOf(verified);
    }

    private Failure check(int index, SignatureLayer layer, byte[] payload, Digest image, Map<String, String> required) {
        Digest digest = layer.digest();
        if (layer.signatureBase64().isEmpty()) {
            return new Failure(index, digest, Reason.BAD_SIGNATURE, "no " + SignatureLayer.SIGNATURE_ANNOTATION
                    + " annotation");
        }
        if (payload == null) {
            return new Failure(index, digest, Reason.INVALID_PAYLOAD, "payload of " + layer.size()
                    + " bytes exceeds the limit of " + MAX_PAYLOAD_SIZE + " bytes");
        }
        if (!digest.isVerifiable() || !Digest.of(digest.algorithm(), payload).equals(digest)) {
            return new Failure(index, digest, Reason.PAYLOAD_DIGEST_MISMATCH, "payload blob has "
                    + (digest.isVerifiable() ? Digest.of(digest.algorithm(), payload) : "an unverifiable digest"));
        }
        boolean valid;
        try {
            valid = verify(payload, layer.signature().orElseThrow());
        } catch (SignatureException e) {
            return new Failure(index, digest, Reason.BAD_SIGNATURE, e.getMessage());
        }
        if (!valid) {
            return new Failure(index, digest, Reason.WRONG_KEY, null);
        }
        SimpleSigningPayload parsed;
        try {
            parsed = SimpleSigningPayload.parse(payload);
        } catch (SignatureException e) {
            return new Failure(index, digest, Reason.INVALID_PAYLOAD, e.getMessage());
        }
        if (!parsed.manifestDigest().equals(image)) {
            return new Failure(index, digest, Reason.DIGEST_MISMATCH, "payload names " + parsed.manifestDigest()
                    + ", expected " + image);
        }
        for (Map.Entry<String, String> e : required.entrySet()) {
            String actual = parsed.annotations() == null ? null : parsed.annotations().get(e.getKey());
            if (!e.getValue().equals(actual)) {
                return new Failure(index, digest, Reason.ANNOTATION_MISMATCH, e.getKey() + " is "
                        + (actual == null ? "missing" : "\"" + actual + "\"") + ", expected \"" + e.getValue() + "\"");
            }
        }
        return null;
    }

    private static SimpleSigningPayload parsePayload(byte[] payload) {
        try {
            return SimpleSigningPayload.parse(payload);
        } catch (SignatureException e) {
            throw new IllegalStateException("payload parsed before", e);
        }
    }
}
