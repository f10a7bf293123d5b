package io.jbuild.registry.sign;

import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.RegistryException;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Map;
import java.util.Optional;

/**
 * Signs images the way {@code cosign sign --key cosign.key --tlog-upload=false
 * --new-bundle-format=false} does: a simple-signing payload, signed with the private key
 * (ECDSA P-256/SHA-256 in DER by default), appended as one layer to the signature image under
 * {@code sha256-<hex>.sig} (read-modify-write, keeping the existing signatures).
 */
public final class CosignSigner {
    private final KeyPair keys;
    private final String algorithm;

    public CosignSigner(KeyPair keys) throws SignatureException {
        if (keys == null || keys.getPrivate() == null || keys.getPublic() == null) {
            throw new IllegalArgumentException("signer needs a private and a public key");
        }
        this.keys = keys;
        this.algorithm = KeyFiles.signatureAlgorithm(keys.getPrivate());
    }

    /** The raw signature over {@code payload} (ASN.1 DER for ECDSA). */
    public byte[] sign(byte[] payload) throws SignatureException {
        try {
            Signature signature = Signature.getInstance(algorithm);
            signature.initSign(keys.getPrivate());
            signature.update(payload);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new SignatureException("sign payload " + Digest.of(payload) + ": " + e.getMessage(), e);
        }
    }

    /** The signature layer for {@code payload}. */
    public SignatureLayer signLayer(SimpleSigningPayload payload) throws SignatureException {
        byte[] bytes = payload.toBytes();
        return SignatureLayer.of(bytes, sign(bytes));
    }

    /**
     * Signs the manifest {@code manifestDigest} of {@code image} (whose repository goes into the
     * payload's {@code docker-reference}) and stores the signature in {@code repository}: payload
     * blob, config blob, then the manifest under the signature tag. Existing signatures are kept;
     * when one already carries the same payload and verifies with this signer's key, nothing is
     * written.
     */
    public SignResult sign(SignatureRepository repository, ImageReference image, Digest manifestDigest,
                           Map<String, String> annotations) throws RegistryException {
        SimpleSigningPayload payload = SimpleSigningPayload.of(image, manifestDigest, annotations);
        byte[] payloadBytes = payload.toBytes();
        Digest payloadDigest = Digest.of(payloadBytes);
        String tag = SignatureImage.tag(manifestDigest);

        SignatureImage current = SignatureImage.empty();
        Optional<byte[]> existing = repository.getManifest(tag);
        if (existing.isPresent()) {
            byte[] manifestBytes = existing.get();
            byte[] config = repository.getBlob(SignatureImage.parseManifest(manifestBytes).config().digest());
            current = SignatureImage.parse(manifestBytes, config);
            CosignVerifier verifier = new CosignVerifier(keys.getPublic());
            for (SignatureLayer layer : current.layers()) {
                if (layer.digest().equals(payloadDigest) && verifier.verifies(layer, payloadBytes)) {
                    return new SignResult(tag, Digest.of(manifestBytes), layer, false);
                }
            }
        }
        SignatureLayer layer = SignatureLayer.of(payloadBytes, sign(payloadBytes));
        SignatureImage updated = current.append(layer);
        byte[] config = updated.configBytes();
        byte[] manifest = updated.manifestBytes();
        repository.putBlob(payloadDigest, payloadBytes);
        repository.putBlob(Digest.of(config), config);
        repository.putManifest(tag, updated.manifestMediaType(), manifest);
        return new SignResult(tag, Digest.of(manifest), layer, true);
    }
}
