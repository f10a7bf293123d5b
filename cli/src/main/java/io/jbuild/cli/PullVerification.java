package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.sign.CosignVerifier;
import io.jbuild.registry.sign.KeyFiles;
import io.jbuild.registry.sign.RegistrySignatureRepository;
import io.jbuild.registry.sign.VerificationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks an image against a {@link VerifyPolicy} before it is pulled. */
final class PullVerification {
    private PullVerification() {
    }

    /**
     * The reference to pull: pinned to the verified digest when the policy covers {@code ref}, else
     * {@code ref} itself. Throws when a covered image has no signature verified by a policy key.
     */
    static ImageReference verify(Environment env, RegistryClient client, BlobStore scratch, VerifyPolicy policy,
                                 ImageReference ref) throws Exception {
        List<Path> keys = policy.keysFor(ref);
        if (keys.isEmpty()) {
            return ref;
        }
        Digest digest = ref.digest() != null ? ref.digest() : client.checkManifest(ref)
                .orElseThrow(() -> new CommandException("pull " + ref + ": no such image")).digest();
        var repository = new RegistrySignatureRepository(client, ref, scratch);
        List<String> reasons = new ArrayList<>();
        for (Path key : keys) {
            try {
                new CosignVerifier(KeyFiles.readPublicKey(Files.readAllBytes(key)))
                        .verify(repository, digest, Map.of());
                return ref.withDigest(digest);
            } catch (VerificationException e) {
                reasons.add(key + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        throw new CommandException("pull " + ref + ": refused by verify policy, no valid signature ("
                + String.join("; ", reasons) + ")");
    }
}
