package io.jbuild.registry.sign;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;

import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One layer of a cosign signature image: the payload blob's descriptor and the layer
 * annotations, above all {@value #SIGNATURE_ANNOTATION} (standard base64 of the signature).
 * The payload is stored uncompressed, so its digest is also the layer's diff id.
 */
public record SignatureLayer(String mediaType, Digest digest, long size, Map<String, String> annotations) {
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    public static final String CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
    public static final String CHAIN_ANNOTATION = "dev.sigstore.cosign/chain";
    public static final String BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle";
    public static final String RFC3161_TIMESTAMP_ANNOTATION = "dev.sigstore.cosign/rfc3161timestamp";

    public SignatureLayer {
        if (mediaType == null || mediaType.isEmpty()) {
            throw new IllegalArgumentException("signature layer mediaType is missing");
        }
        if (digest == null) {
            throw new IllegalArgumentException("signature layer digest is missing");
        }
        if (size < 0) {
            throw new IllegalArgumentException("signature layer size " + size + " is negative");
        }
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(annotations));
    }

    /** The layer for {@code payload} signed with {@code signature} (raw bytes, e.g. DER for ECDSA). */
    public static SignatureLayer of(byte[] payload, byte[] signature) {
        return new SignatureLayer(SimpleSigningPayload.MEDIA_TYPE, Digest.of(payload), payload.length,
                Map.of(SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(signature)));
    }

    public static SignatureLayer from(Descriptor descriptor) {
        return new SignatureLayer(descriptor.mediaType(), descriptor.digest(), descriptor.size(), descriptor.annotations());
    }

    public Descriptor descriptor() {
        return Descriptor.of(mediaType, digest, size).withAnnotations(annotations);
    }

    /** The base64 text of {@value #SIGNATURE_ANNOTATION}, if present. */
    public Optional<String> signatureBase64() {
        return Optional.ofNullable(annotations.get(SIGNATURE_ANNOTATION));
    }

    /** The decoded signature; empty when the annotation is missing, throws when it is not base64. */
    public Optional<byte[]> signature() throws SignatureException {
        Optional<String> text = signatureBase64();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getDecoder().decode(text.get()));
        } catch (IllegalArgumentException e) {
            throw new SignatureException("decode signature of layer " + digest + ": not standard base64: "
                    + e.getMessage(), e);
        }
    }
}
