package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidValueException;
import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.StoredImages;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Finding images of the store for the commands, and the names Docker shows for store tags. */
final class StoreImages {
    private StoreImages() {
    }

    /** The image {@code ref} names (tag, normalised reference, digest or id prefix), for this host's platform. */
    static StoredImages.Image find(BlobStore store, String ref) throws StoreException, CommandException {
        Optional<StoredImages.Image> image = StoredImages.find(store, ref, null);
        if (image.isEmpty()) {
            throw new CommandException("no such image: " + ref);
        }
        return image.get();
    }

    /** The top-level descriptor (manifest or index) {@code ref} names. */
    static Descriptor resolve(BlobStore store, String ref) throws StoreException, CommandException {
        Optional<Descriptor> d = StoredImages.resolve(store, ref);
        if (d.isEmpty()) {
            throw new CommandException("no such image: " + ref);
        }
        return d.get();
    }

    /** The store tag {@code ref} names exactly or once normalised ({@code busybox} = {@code docker.io/library/busybox:latest}). */
    static Optional<String> tagName(BlobStore store, String ref) throws StoreException {
        if (store.resolve(ref).isPresent()) {
            return Optional.of(ref);
        }
        try {
            ImageReference parsed = ImageReference.parse(ref);
            String name = parsed.toString();
            if (store.resolve(name).isPresent()) {
                return Optional.of(name);
            }
        } catch (InvalidValueException e) {
            // an id or digest, not a name
        }
        return Optional.empty();
    }

    /** The normalised store tag for a new name: {@code registry/repository:tag}; no digest allowed. */
    static String newTagName(String target) throws CommandException {
        try {
            ImageReference parsed = ImageReference.parse(target);
            if (parsed.digest() != null) {
                throw new CommandException("tag " + target + ": a tag name cannot contain a digest");
            }
            return parsed.toString();
        } catch (InvalidValueException e) {
            throw new CommandException(e.getMessage(), e);
        }
    }

    /** A store tag as Docker shows it: repository, tag (null when none) and digest (null when none). */
    record Name(String repository, String tag, String digest) {
        static Name of(String storeTag) {
            try {
                ImageReference r = ImageReference.parse(storeTag);
                ImageReference bare = new ImageReference(r.registry(), r.repository(), ImageReference.DEFAULT_TAG, null);
                String familiar = bare.familiar();
                String repository = familiar.substring(0, familiar.length() - (":" + ImageReference.DEFAULT_TAG).length());
                return new Name(repository, r.tag(), r.digest() == null ? null : r.digest().toString());
            } catch (InvalidValueException | IllegalArgumentException e) {
                return new Name(storeTag, null, null);
            }
        }

        /** {@code busybox:latest}, or the repository alone when there is no tag. */
        String familiar() {
            return tag == null ? repository : repository + ":" + tag;
        }
    }

    /** Tags pointing at any of {@code digests}, in index order, without duplicates. */
    static List<String> tagsOf(BlobStore store, Descriptor... descriptors) throws StoreException {
        Set<String> names = new LinkedHashSet<>();
        for (Descriptor d : descriptors) {
            names.addAll(StoredImages.tagsOf(store, d.digest()));
        }
        return new ArrayList<>(names);
    }
}
