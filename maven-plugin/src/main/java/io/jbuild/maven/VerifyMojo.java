package io.jbuild.maven;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.RegistryException;
import io.jbuild.registry.sign.CosignVerifier;
import io.jbuild.registry.sign.KeyFiles;
import io.jbuild.registry.sign.RegistrySignatureRepository;
import io.jbuild.registry.sign.VerifiedSignature;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Verifies that each image the tags name has a cosign signature by {@code publicKey} in its registry
 * (with every {@code signatureAnnotations} entry); fails the build otherwise. Bind it after {@code push}
 * and {@code sign}.
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class VerifyMojo extends AbstractJbuildMojo {
    /** The cosign public key file ({@code cosign.pub}) the signatures must verify with. */
    @Parameter(property = "jbuild.publicKey", required = true)
    File publicKey;

    /** Annotations every accepted signature must carry, {@code KEY=VALUE}. */
    @Parameter(property = "jbuild.signatureAnnotations")
    List<String> signatureAnnotations = new ArrayList<>();

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        Map<String, String> annotations;
        try {
            annotations = KeyValues.parse(signatureAnnotations, Map.of(), "signature annotation");
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        CosignVerifier verifier;
        try {
            verifier = new CosignVerifier(KeyFiles.readPublicKey(Files.readAllBytes(publicKey.toPath())));
        } catch (IOException | RegistryException e) {
            throw new MojoFailureException("verify: read public key " + publicKey + ": " + e.getMessage(), e);
        }
        BlobStore store = openStore();
        RegistryClient client = registryClient();
        for (String tag : imageTags()) {
            ImageReference ref = parseReference(tag);
            Digest digest = SignMojo.remoteDigest(client, ref, "verify");
            List<VerifiedSignature> verified;
            try {
                verified = verifier.verify(new RegistrySignatureRepository(client, ref, store), digest, annotations);
            } catch (RegistryException e) {
                String first = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
                throw new MojoFailureException("verify " + ref + "@" + digest + ": " + first, e);
            }
            getLog().info("Verified " + ref + "@" + digest + ": " + verified.size() + " signature(s) by " + publicKey);
        }
    }
}
