package io.jbuild.builder;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An extra mount for a RUN container (from {@code RUN --mount}): a bind mount of a host path or a tmpfs.
 *
 * @param type {@code bind} or {@code tmpfs}
 * @param source the host path for {@code bind}, null for {@code tmpfs}
 * @param destination the absolute path inside the container
 * @param options OCI mount options, e.g. {@code rbind}, {@code ro}, {@code size=65536k}
 */
public record ContainerMount(String type, Path source, String destination, List<String> options) {
    public ContainerMount {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(destination, "destination");
        if (!destination.startsWith("/")) {
            throw new IllegalArgumentException("mount destination \"" + destination + "\" is not absolute");
        }
        if (type.equals("bind") && source == null) {
            throw new IllegalArgumentException("bind mount to " + destination + " has no source");
        }
        options = List.copyOf(options);
    }
}
