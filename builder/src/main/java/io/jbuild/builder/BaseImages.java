package io.jbuild.builder;

import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidValueException;
import io.jbuild.layerstore.Platform;
import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.StoredImages;
import io.jbuild.registry.Puller;
import io.jbuild.registry.RegistryException;
import io.jbuild.registry.TransferListener;
import java.util.Optional;

/** Resolves a FROM image (or a COPY --from / mount from= image): scratch, the store, or a registry pull. */
final class BaseImages {
    private static final int PULL_PARALLELISM = 4;

    private BaseImages() {
    }

    /** The image {@code ref} names, from the store unless missing or {@code pull}, else pulled into it. */
    static ImageState resolve(BuildContext ctx, String ref, Platform platform, boolean pull) throws BuildException {
        if (ref.equals("scratch")) {
            return new ImageState(ConfigInstructions.scratch(platform), java.util.List.of());
        }
        try {
            if (ctx.request.verifier() != null) {
                return verified(ctx, ref, platform);
            }
            if (!pull) {
                Optional<StoredImages.Image> local = StoredImages.find(ctx.store, ref, platform);
                if (local.isPresent()) {
                    return stateOf(local.get());
                }
            }
            ImageReference parsed;
            try {
                parsed = ImageReference.parse(ref);
            } catch (InvalidValueException e) {
                throw new BuildException("resolve image \"" + ref + "\": " + e.getMessage(), e);
            }
            if (ctx.registry() == null) {
                throw new BuildException("resolve image " + parsed + ": not in the store, and no registry access");
            }
            if (ctx.cache.lazyBases()) {
                return ctx.cache.lazyBase(ctx.registry(), parsed, platform);
            }
            return pull(ctx, parsed, parsed.storeName(), platform);
        } catch (StoreException e) {
            throw new BuildException("resolve image " + ref + ": " + e.getMessage(), e);
        }
    }

    /** A registry image checked by the request's verifier first: pulled by the verified digest. */
    private static ImageState verified(BuildContext ctx, String ref, Platform platform) throws BuildException, StoreException {
        ImageReference parsed;
        try {
            parsed = ImageReference.parse(ref);
        } catch (InvalidValueException e) {
            throw new BuildException("resolve image \"" + ref + "\": " + e.getMessage(), e);
        }
        ImageReference pinned;
        try {
            pinned = ctx.request.verifier().verify(parsed);
        } catch (BuildException e) {
            throw e;
        } catch (Exception e) {
            throw new BuildException("verify " + parsed + ": " + e.getMessage(), e);
        }
        if (pinned.equals(parsed)) {
            // no rule covers it: as without a verifier
            Optional<StoredImages.Image> local = ctx.request.pull() ? Optional.empty()
                    : StoredImages.find(ctx.store, ref, platform);
            if (local.isPresent()) {
                return stateOf(local.get());
            }
        }
        if (ctx.registry() == null) {
            throw new BuildException("resolve image " + parsed + ": no registry access");
        }
        return pull(ctx, pinned, parsed.storeName(), platform);
    }

    /** Pulls {@code source} into the store under {@code storeName} and reads it back. */
    private static ImageState pull(BuildContext ctx, ImageReference source, String storeName, Platform platform)
            throws BuildException, StoreException {
        try {
            new Puller(ctx.registry(), ctx.store, PULL_PARALLELISM, TransferListener.NONE).pull(source, platform, storeName);
        } catch (RegistryException e) {
            throw new BuildException("pull " + source + ": " + e.getMessage(), e);
        }
        return stateOf(StoredImages.find(ctx.store, storeName, platform).orElseThrow(
                () -> new BuildException("pull " + source + ": the image is not in the store after pulling")));
    }

    static ImageState stateOf(StoredImages.Image image) {
        ImageConfig config = image.config().value();
        if (config.config() == null) {
            config = config.withConfig(ImageConfig.ContainerConfig.empty());
        }
        return new ImageState(config, image.manifest().layers());
    }
}
