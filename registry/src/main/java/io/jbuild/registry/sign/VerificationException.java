package io.jbuild.registry.sign;

import io.jbuild.layerstore.Digest;

import java.util.List;
import java.util.stream.Collectors;

/**
 * No signature of an image passed verification. {@link #failures()} says why, layer by layer;
 * {@link #reasons()} is empty only for {@link Reason#NO_SIGNATURES}.
 */
public final class VerificationException extends SignatureException {
    /** Why one signature (or the whole image) failed. */
    public enum Reason {
        /** No signature tag, or a signature image without layers. */
        NO_SIGNATURES("no signatures found"),
        /** The layer has no signature annotation, or it is not base64, or not a signature of the key's type. */
        BAD_SIGNATURE("bad signature"),
        /**
         * A well-formed signature that does not verify with the given key over the stored payload:
         * made with another key (or, indistinguishably, payload or signature altered after signing).
         */
        WRONG_KEY("signature does not verify with the given key (signed with another key, or payload altered)"),
        /** The payload blob's bytes do not match the layer digest. */
        PAYLOAD_DIGEST_MISMATCH("payload blob does not match its layer digest"),
        /** The signed payload is not a cosign simple-signing payload. */
        INVALID_PAYLOAD("invalid payload"),
        /** The signed payload names another image manifest digest. */
        DIGEST_MISMATCH("payload signs another image digest"),
        /** A required annotation is missing from, or differs in, the payload's {@code optional}. */
        ANNOTATION_MISMATCH("annotation mismatch");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** One failed layer: index in the signature manifest, its payload digest, reason and details. */
    public record Failure(int layer, Digest digest, Reason reason, String detail) {
        @Override
        public String toString() {
            return "layer " + layer + " (" + digest + "): " + reason.text() + (detail == null ? "" : ": " + detail);
        }
    }

    private final Digest image;
    private final List<Failure> failures;
    private final boolean noSignatures;

    private VerificationException(String message, Digest image, List<Failure> failures, boolean noSignatures) {
        super(message);
        this.image = image;
        this.failures = List.copyOf(failures);
        this.noSignatures = noSignatures;
    }

    static VerificationException noSignatures(Digest image, String where) {
        return new VerificationException("verify signatures of " + image + ": " + Reason.NO_SIGNATURES.text()
                + " (" + where + ")", image, List.of(), true);
    }

    static VerificationException failed(Digest image, List<Failure> failures) {
        return new VerificationException("verify signatures of " + image + ": no signature verifies: "
                + failures.stream().map(Failure::toString).collect(Collectors.joining("; ")), image, failures, false);
    }

    public Digest image() {
        return image;
    }

    public List<Failure> failures() {
        return failures;
    }

    /** The distinct reasons, {@link Reason#NO_SIGNATURES} alone when there was nothing to verify. */
    public List<Reason> reasons() {
        if (noSignatures) {
            return List.of(Reason.NO_SIGNATURES);
        }
        return failures.stream().map(Failure::reason).distinct().toList();
    }
}
