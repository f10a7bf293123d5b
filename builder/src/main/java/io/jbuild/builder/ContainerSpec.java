package io.jbuild.builder;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One process to run in an isolated container on a prepared root filesystem (a RUN step).
 *
 * @param id a unique container id (letters, digits, dashes)
 * @param rootfs the container's root: the merged directory of the step's overlay mount
 * @param args argv; args[0] is looked up in the container's PATH when not absolute
 * @param env {@code NAME=value} entries, PATH included
 * @param cwd the absolute working directory (created when missing)
 * @param user the user to run as
 * @param hostname the container's hostname
 * @param network the network namespace mode
 * @param mounts extra mounts (RUN --mount), applied after the standard ones
 * @param insecure {@code RUN --security=insecure}: all capabilities, no masked paths
 */
public record ContainerSpec(String id, Path rootfs, List<String> args, List<String> env, String cwd,
                            ResolvedUser user, String hostname, NetworkMode network, List<ContainerMount> mounts,
                            boolean insecure) {
    public ContainerSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rootfs, "rootfs");
        args = List.copyOf(args);
        if (args.isEmpty()) {
            throw new IllegalArgumentException("container " + id + " has no command");
        }
        env = List.copyOf(env);
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(network, "network");
        mounts = List.copyOf(mounts);
    }
}
