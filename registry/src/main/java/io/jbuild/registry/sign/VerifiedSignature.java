package io.jbuild.registry.sign;

/** A signature layer that passed every check, with its parsed payload. */
public record VerifiedSignature(int layer, SignatureLayer signature, SimpleSigningPayload payload) {
}
