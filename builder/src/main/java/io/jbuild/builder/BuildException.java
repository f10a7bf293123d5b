package io.jbuild.builder;

import io.jbuild.dockerfile.Location;

/**
 * A build failed: a step's command exited non-zero, a source was missing, a base image could not
 * be had. The message names the step and its Dockerfile location when there is one.
 */
public class BuildException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Location location;
    private final int exitCode;

    public BuildException(String message) {
        this(message, null, -1, null);
    }

    public BuildException(String message, Throwable cause) {
        this(message, null, -1, cause);
    }

    public BuildException(String message, Location location, int exitCode, Throwable cause) {
        super(message, cause);
        this.location = location;
        this.exitCode = exitCode;
    }

    /** Where in the Dockerfile the failing step is, null when the failure is not a step's. */
    public Location location() {
        return location;
    }

    /** The failing command's exit status, -1 when no command failed. */
    public int exitCode() {
        return exitCode;
    }

    /** This failure placed at {@code where} (unless already placed), with the location prefixed to the message. */
    public BuildException at(Location where) {
        if (location != null || where == null) {
            return this;
        }
        return new BuildException(where.file() + ":" + where.startLine() + ": " + getMessage(), where, exitCode, this);
    }
}
