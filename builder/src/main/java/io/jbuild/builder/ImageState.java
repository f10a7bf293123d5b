package io.jbuild.builder;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.MediaType;
import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.StoredImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An image as a stage builds it: the config so far (diff ids and history included) and the layer
 * blobs, bottom first. Immutable; each step returns a new state.
 */
record ImageState(ImageConfig config, List<Descriptor> layers) {
    ImageState {
        Objects.requireNonNull(config, "config");
        layers = List.copyOf(layers);
        if (layers.size() != config.rootfs().diffIds().size()) {
            throw new IllegalArgumentException(layers.size() + " layers but " + config.rootfs().diffIds().size()
                    + " diff ids");
        }
    }

    List<Digest> diffIds() {
        return config.rootfs().diffIds();
    }

    /** The unpacked layer dirs, bottom first (unpacking base layers on first use). */
    List<Path> layerDirs(BlobStore store) throws BuildException {
        List<Path> dirs = new ArrayList<>();
        try {
            for (int i = 0; i < layers.size(); i++) {
                dirs.add(StoredImages.layerDir(store, layers.get(i), diffIds().get(i)));
            }
        } catch (StoreException e) {
            throw new BuildException("unpack base layers: " + e.getMessage(), e);
        }
        return dirs;
    }

    ImageState withConfig(ImageConfig newConfig) {
        return new ImageState(newConfig, layers);
    }

    /** Adds a history entry with no layer. */
    ImageState withHistory(ImageConfig.History entry) {
        List<ImageConfig.History> history = new ArrayList<>(config.history());
        history.add(entry);
        return new ImageState(config.withRootfs(config.rootfs(), history), layers);
    }

    /** Adds a layer and its history entry. */
    ImageState withLayer(Descriptor layer, Digest diffId, ImageConfig.History entry) {
        List<ImageConfig.History> history = new ArrayList<>(config.history());
        history.add(entry);
        List<Digest> diffIds = new ArrayList<>(diffIds());
        diffIds.add(diffId);
        List<Descriptor> newLayers = new ArrayList<>(layers);
        newLayers.add(layer);
        return new ImageState(config.withRootfs(ImageConfig.RootFs.of(diffIds), history), newLayers);
    }

    /** The layers with OCI media types (base images may carry Docker's). */
    List<Descriptor> ociLayers() {
        List<Descriptor> out = new ArrayList<>();
        for (Descriptor d : layers) {
            String type = d.mediaType();
            if (type.equals(MediaType.DOCKER_LAYER_GZIP)) {
                type = MediaType.OCI_LAYER_GZIP;
            } else if (type.equals(MediaType.DOCKER_LAYER)) {
                type = MediaType.OCI_LAYER;
            } else if (type.equals(MediaType.DOCKER_LAYER_ZSTD)) {
                type = MediaType.OCI_LAYER_ZSTD;
            } else if (type.equals(MediaType.DOCKER_FOREIGN_LAYER_GZIP)) {
                type = MediaType.OCI_LAYER_NONDISTRIBUTABLE_GZIP;
            }
            out.add(type.equals(d.mediaType()) ? d : d.withMediaType(type));
        }
        return out;
    }
}
