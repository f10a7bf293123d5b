package io.jbuild.dockerfile;

/**
 * A word could not be expanded ({@code ${v:?message}}, an unterminated quote, a bad
 * substitution). Carries no location of its own; the pass that knows the instruction places it
 * with {@link #at(String, int, int)}.
 */
public class ShellExpansionException extends DockerfileException {
    public ShellExpansionException(String reason) {
        super(null, 0, 0, reason);
    }
}
