package io.jbuild.maven;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.RegistryException;
import io.jbuild.registry.sign.CosignSigner;
import io.jbuild.registry.sign.KeyFiles;
import io.jbuild.registry.sign.RegistrySignatureRepository;
import io.jbuild.registry.sign.SignResult;
import io.jbuild.registry.sign.WrongPasswordException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/** The cosign signing parameters {@code push} (with {@code sign}) and {@code sign} share. */
abstract class AbstractSigningMojo extends AbstractJbuildMojo {
    /** The cosign private key file ({@code cosign generate-key-pair} or {@code jbuild generate-key-pair}). */
    @Parameter(property = "jbuild.signingKey")
    File signingKey;

    /**
     * The private key's password. Default: the {@code <passphrase>} (or {@code <password>}) of the settings.xml
     * server {@code signingServerId}, else the {@code COSIGN_PASSWORD} or {@code JBUILD_PASSWORD} environment
     * variable, else none (an unencrypted key).
     */
    @Parameter(property = "jbuild.signingKeyPassword")
    String signingKeyPassword;

    /** The settings.xml server whose {@code <passphrase>} or {@code <password>} (encrypted as Maven encrypts them) unlocks the key. */
    @Parameter(property = "jbuild.signingServerId")
    String signingServerId;

    /** Annotations written into (and, for {@code verify}, required of) each signature, {@code KEY=VALUE}. */
    @Parameter(property = "jbuild.signatureAnnotations")
    List<String> signatureAnnotations = new ArrayList<>();

    /** Reads {@link #signingKey} with the password found as {@link #signingKeyPassword} describes. */
    KeyPair signingKeys(String action) throws MojoExecutionException, MojoFailureException {
        if (signingKey == null) {
            throw new MojoFailureException(action + ": no signing key (set <signingKey> or -Djbuild.signingKey)");
        }
        byte[] pem;
        try {
            pem = Files.readAllBytes(signingKey.toPath());
        } catch (IOException e) {
            throw new MojoFailureException(action + ": read signing key " + signingKey + ": " + e.getMessage(), e);
        }
        try {
            return KeyFiles.readPrivateKey(pem, signingPassword(action));
        } catch (WrongPasswordException e) {
            throw new MojoFailureException(action + ": " + e.getMessage() + " (set <signingKeyPassword>, "
                    + "<signingServerId> or COSIGN_PASSWORD)", e);
        } catch (RegistryException e) {
            throw new MojoFailureException(action + ": read signing key " + signingKey + ": " + e.getMessage(), e);
        }
    }

    char[] signingPassword(String action) throws MojoFailureException {
        if (signingKeyPassword != null) {
            return signingKeyPassword.toCharArray();
        }
        if (signingServerId != null && !signingServerId.isBlank()) {
            Server server = settings == null ? null : settings.getServer(signingServerId.strip());
            if (server == null) {
                throw new MojoFailureException(action + ": settings.xml has no server " + signingServerId
                        + " (signingServerId)");
            }
            if (settingsDecrypter != null) {
                SettingsDecryptionResult result = settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
                if (result.getServer() != null) {
                    server = result.getServer();
                }
            }
            String secret = server.getPassphrase() != null ? server.getPassphrase() : server.getPassword();
            return secret == null ? new char[0] : secret.toCharArray();
        }
        String env = environment.get("COSIGN_PASSWORD");
        if (env == null) {
            env = environment.get("JBUILD_PASSWORD");
        }
        return env == null ? new char[0] : env.toCharArray();
    }

    Map<String, String> annotations() throws MojoFailureException {
        try {
            return KeyValues.parse(signatureAnnotations, Map.of(), "signature annotation");
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    /** Signs {@code manifest} of {@code ref}'s repository, storing the signature as cosign does ({@code sha256-<hex>.sig}). */
    SignResult sign(RegistryClient client, BlobStore store, KeyPair keys, ImageReference ref, Digest manifest,
                    Map<String, String> annotations) throws MojoFailureException {
        try {
            var repository = new RegistrySignatureRepository(client, ref, store);
            SignResult result = new CosignSigner(keys).sign(repository, ref, manifest, annotations);
            getLog().info("Signed " + ref.name() + "@" + manifest + " as " + ref.name() + ":" + result.tag());
            return result;
        } catch (RegistryException e) {
            throw new MojoFailureException("sign " + ref + ": " + e.getMessage(), e);
        }
    }
}
