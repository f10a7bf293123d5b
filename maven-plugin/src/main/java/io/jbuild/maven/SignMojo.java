package io.jbuild.maven;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.RegistryException;
import java.security.KeyPair;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Signs the images the tags name in their registries with a cosign key (a tag-based cosign signature,
 * {@code sha256-<digest>.sig}, that {@code cosign verify --key} accepts). Bind it after {@code push}.
 */
@Mojo(name = "sign", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class SignMojo extends AbstractSigningMojo {
    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        KeyPair keys = signingKeys("sign");
        Map<String, String> annotations = annotations();
        BlobStore store = openStore();
        RegistryClient client = registryClient();
        for (String tag : imageTags()) {
            ImageReference ref = parseReference(tag);
            sign(client, store, keys, ref, remoteDigest(client, ref, "sign"), annotations);
        }
    }

    /** The digest the registry has for {@code ref} (or the digest the reference names). */
    static Digest remoteDigest(RegistryClient client, ImageReference ref, String action) throws MojoFailureException {
        if (ref.digest() != null && ref.tag() == null) {
            return ref.digest();
        }
        try {
            return client.checkManifest(ref)
                    .orElseThrow(() -> new MojoFailureException(action + " " + ref + ": no such image in the registry "
                            + "(push it first)"))
                    .digest();
        } catch (RegistryException e) {
            throw new MojoFailureException(action + " " + ref + ": " + e.getMessage(), e);
        }
    }
}
