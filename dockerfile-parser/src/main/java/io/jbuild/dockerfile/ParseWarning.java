package io.jbuild.dockerfile;

/**
 * A non-fatal finding of the parser, returned as data (never thrown).
 *
 * @param message short text, e.g. {@code Empty continuation line found in: RUN something     following}
 * @param detail longer explanation, e.g. {@code Empty continuation lines will become errors in a future release}
 * @param line 1-based line the warning refers to (0 when not known)
 */
public record ParseWarning(String message, String detail, int line) {
}
