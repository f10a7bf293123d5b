/**
 * cosign-compatible image signatures in the tag-based "simple signing" layout (cosign v1/v2
 * default, {@code cosign sign --new-bundle-format=false} in v3), offline core.
 *
 * <ul>
 *   <li>{@link io.jbuild.registry.sign.SimpleSigningPayload}: the signed JSON, byte-exact.</li>
 *   <li>{@link io.jbuild.registry.sign.KeyFiles}: {@code cosign.key} (scrypt + NaCl secretbox
 *       envelope around PKCS#8) and {@code cosign.pub}; plain PKCS#8/SEC1/PKCS#1 import.</li>
 *   <li>{@link io.jbuild.registry.sign.SignatureImage} and
 *       {@link io.jbuild.registry.sign.SignatureLayer}: the image under {@code sha256-<hex>.sig},
 *       serialised with go-containerregistry's bytes.</li>
 *   <li>{@link io.jbuild.registry.sign.CosignSigner} and
 *       {@link io.jbuild.registry.sign.CosignVerifier}: read-modify-write signing and key-based
 *       verification through {@link io.jbuild.registry.sign.SignatureRepository}, which a
 *       registry client implements for one repository.</li>
 * </ul>
 *
 * Not here: transparency log (Rekor) entries and bundles, keyless (Fulcio) certificates,
 * the cosign v3 bundle-referrer format, {@code COSIGN_REPOSITORY} and tag prefixes (callers
 * choose the repository they pass in).
 */
package io.jbuild.registry.sign;
