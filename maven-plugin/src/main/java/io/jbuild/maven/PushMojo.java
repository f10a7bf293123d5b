package io.jbuild.maven;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.StoreException;
import io.jbuild.registry.Puller;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.RegistryException;
import io.jbuild.registry.TransferResult;
import java.io.IOException;
import java.security.KeyPair;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Pushes the built image's tags from the jbuild store to their registries (and signs them with {@code sign}).
 * Credentials: the settings.xml {@code <server>} whose id is the registry host (password decrypted as Maven
 * does), else Docker's {@code config.json}, credential helpers and podman's {@code auth.json}.
 */
@Mojo(name = "push", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class PushMojo extends AbstractSigningMojo {
    /** Skip this push (the other jbuild goals still run). */
    @Parameter(property = "jbuild.skipPush", defaultValue = "false")
    boolean skipPush;

    /** Sign each pushed image with {@code signingKey} (a cosign signature stored in the registry). */
    @Parameter(property = "jbuild.sign", defaultValue = "false")
    boolean sign;

    @Override
    void run() throws MojoExecutionException, MojoFailureException {
        if (skipPush) {
            getLog().info("Skipping jbuild:push (jbuild.skipPush is true)");
            return;
        }
        KeyPair keys = sign ? signingKeys("push") : null;
        Map<String, String> annotations = annotations();
        BlobStore store = openStore();
        RegistryClient client = registryClient();
        BuiltImage built = builtImage();
        Set<String> signed = new HashSet<>();
        for (String tag : imageTags()) {
            ImageReference target = parseReference(tag);
            String storeTag = storeTag(store, tag, target);
            Descriptor root = resolve(store, storeTag);
            String source = root.annotations().get(Puller.SOURCE_ANNOTATION);
            String mountFrom = source != null && source.startsWith(target.registry() + "/")
                    ? source.substring(target.registry().length() + 1) : null;
            getLog().info("Pushing " + target);
            TransferResult result;
            try {
                result = new Pusher(client, store, PARALLELISM, new MavenTransferLog(getLog()))
                        .push(root, target, mountFrom);
            } catch (RegistryException e) {
                throw new MojoFailureException("push " + target + ": " + e.getMessage(), e);
            }
            Descriptor pushed = result.descriptor();
            getLog().info(target.tag() + ": digest: " + pushed.digest() + " size: " + pushed.size());
            if (built != null) {
                built = built.withPushed(target + "@" + pushed.digest());
                try {
                    built.write(null, metadataFile.toPath());
                } catch (IOException e) {
                    throw new MojoExecutionException("update " + metadataFile + ": " + e.getMessage(), e);
                }
            }
            if (keys != null && signed.add(target.name() + "@" + pushed.digest())) {
                // tags of one repository sharing a manifest share its signature
                sign(client, store, keys, target, pushed.digest(), annotations);
            }
        }
    }

    /** The store's tag for {@code tag}: the normalised name ({@code docker.io/library/app:1}) or the name as given. */
    static String storeTag(BlobStore store, String tag, ImageReference ref) throws MojoExecutionException, MojoFailureException {
        try {
            if (store.resolve(ref.toString()).isPresent()) {
                return ref.toString();
            }
            if (store.resolve(tag).isPresent()) {
                return tag;
            }
        } catch (StoreException e) {
            throw new MojoExecutionException("push " + ref + ": read store " + store.root() + ": " + e.getMessage(), e);
        }
        throw new MojoFailureException("push " + ref + ": no such image in the store " + store.root()
                + " (run jbuild:build first, with the same tags and storeRoot)");
    }

    private static Descriptor resolve(BlobStore store, String storeTag) throws MojoExecutionException {
        try {
            Optional<Descriptor> root = store.resolve(storeTag);
            return root.orElseThrow(() -> new MojoExecutionException("push " + storeTag + ": tag vanished from "
                    + store.root()));
        } catch (StoreException e) {
            throw new MojoExecutionException("push " + storeTag + ": read store " + store.root() + ": "
                    + e.getMessage(), e);
        }
    }
}
