package io.jbuild.layerstore;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A fully qualified image reference {@code registry/repository[:tag][@digest]}, normalised the way
 * Docker does: {@code busybox} is {@code docker.io/library/busybox:latest}, a first component is a
 * registry only when it contains {@code .} or {@code :} or is {@code localhost}.
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    public static final String DEFAULT_TAG = "latest";

    private static final String HOST_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + HOST_COMPONENT + "(?:\\." + HOST_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final int NAME_MAX = 255;

    public ImageReference {
        if (registry == null || !DOMAIN.matcher(registry).matches()) {
            throw new IllegalArgumentException("invalid registry \"" + registry + "\"");
        }
        if (repository == null || repository.isEmpty()) {
            throw new IllegalArgumentException("repository name is missing");
        }
        for (String component : repository.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException(
                        "invalid repository name component \"" + component + "\" in \"" + repository + "\"");
            }
        }
        if (registry.length() + 1 + repository.length() > NAME_MAX) {
            throw new IllegalArgumentException("repository name must not be longer than " + NAME_MAX + " characters");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("invalid tag \"" + tag + "\"");
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
    }

    /** Parses and normalises a reference as typed by a user. */
    public static ImageReference parse(String text) throws InvalidValueException {
        if (text == null || text.isEmpty()) {
            throw new InvalidValueException("parse image reference \"\": empty");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.fromString(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("parse image reference \"" + text + "\": " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidValueException("parse image reference \"" + text + "\": invalid tag \"" + tag
                        + "\" (allowed: letters, digits, _ . - up to 128 characters, not starting with . or -)");
            }
        }
        String registry = DOCKER_HUB;
        String repository = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")
                    || !first.equals(first.toLowerCase(Locale.ROOT))) {
                registry = first;
                repository = rest.substring(slash + 1);
            }
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
            repository = "library/" + repository;
        }
        if (!repository.equals(repository.toLowerCase(Locale.ROOT))) {
            throw new InvalidValueException("parse image reference \"" + text + "\": repository name must be lowercase");
        }
        try {
            return new ImageReference(registry, repository, tag, digest);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("parse image reference \"" + text + "\": " + e.getMessage());
        }
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, repository, newTag, null);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, null, newDigest);
    }

    /** {@code registry/repository}. */
    public String name() {
        return registry + "/" + repository;
    }

    /**
     * The name the store tags this image under: {@code registry/repository:tag}, or
     * {@code registry/repository@digest} for a reference by digest alone.
     */
    public String storeName() {
        return tag != null ? name() + ":" + tag : name() + "@" + digest;
    }

    /** The short form Docker prints: {@code busybox:latest} for Docker Hub's library images. */
    public String familiar() {
        String name = repository;
        if (registry.equals(DOCKER_HUB)) {
            if (name.startsWith("library/") && name.indexOf('/', 8) < 0) {
                name = name.substring(8);
            }
        } else {
            name = registry + "/" + name;
        }
        return name + suffix();
    }

    private String suffix() {
        return (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    @Override
    public String toString() {
        return name() + suffix();
    }
}
