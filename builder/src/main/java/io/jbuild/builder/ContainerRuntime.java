package io.jbuild.builder;

import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Runs a {@link ContainerSpec}: {@code runc}/{@code crun} through an OCI bundle, or the built-in
 * namespace isolation. Implementations leave nothing behind in the rootfs that the spec did not
 * ask for (mount points they had to create are removed again) and nothing running when
 * {@link #run} returns or throws (also on interrupt).
 */
interface ContainerRuntime {
    /** A short name for messages: {@code runc}, {@code crun}, {@code builtin}. */
    String name();

    /**
     * Runs the container to completion, streaming its stdout and stderr (interleaved as written) to {@code output}.
     *
     * @param bundleDir an empty private directory the runtime may use for the bundle and state
     * @return the process's exit status (128+signal when killed by a signal)
     * @throws BuildException when the container could not be started
     * @throws InterruptedException when the build is cancelled; the container is killed first
     */
    int run(ContainerSpec spec, Path bundleDir, OutputStream output) throws BuildException, InterruptedException;
}
