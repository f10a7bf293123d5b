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
            String tag = parsed.tag() != null || parsed.digest() == null
                    ? parsed.name() + ":" + (parsed.tag() == null ? ImageReference.DEFAULT_TAG : parsed.tag())
                    : parsed.name() + "@" + parsed.digest();
            if (ctx.cache.lazyBases()) {
                return ctx.cache.lazyBase(ctx.registry(), parsed, platform);
            }
            try {
                new Puller(ctx.registry(), ctx.store, PULL_PARALLELISM, TransferListener.NONE).pull(parsed, platform, tag);
            } catch (RegistryException e) {
                throw new BuildException("pull " + parsed + ": " + e.getMessage(), e);
            }
            return stateOf(StoredImages.find(ctx.store, tag, platform).orElseThrow(
                    () -> new BuildException("pull " + parsed + ": the image is not in the store after pulling")));
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
        String tag = parsed.name() + (parsed.tag() != null ? ":" + parsed.tag()
                : parsed.digest() != null ? "@" + parsed.digest() : ":" + ImageReference.DEFAULT_TAG);
        try {
            new Puller(ctx.registry(), ctx.store, PULL_PARALLELISM, TransferListener.NONE).pull(pinned, platform, tag);
        } catch (RegistryException e) {
            throw new BuildException("pull " + pinned + ": " + e.getMessage(), e);
        }
        return stateOf(StoredImages.find(ctx.store, tag, platform).orElseThrow(
                () -> new BuildException("pull " + pinned + ": the image is not in the store after pulling")));
    }

    static ImageState stateOf(StoredImages.Image image) {
        ImageConfig config = image.config().value();
        if (config.config() == null) {
            config = config.withConfig(ImageConfig.ContainerConfig.empty());
        }
        return new ImageState(config, image.manifest().layers());
    }
}
