package io.jbuild.registry.sign;

import io.jbuild.layerstore.Digest;

/**
 * The outcome of signing: the tag and digest of the signature manifest now stored, and whether
 * a layer was added ({@code false} when an equal signature by the same key was already there).
 */
public record SignResult(String tag, Digest manifestDigest, SignatureLayer layer, boolean appended) {
}
