package io.jbuild.layerstore;

import java.io.IOException;

/**
 * The bytes read or written do not hash to the expected digest (or have the wrong size).
 * It is an {@link IOException} so that verifying streams can throw it from {@code read()};
 * {@link BlobStore} rethrows it wrapped in a {@link StoreCorruptedException} where a checked
 * {@link StoreException} is expected.
 */
public final class DigestMismatchException extends IOException {
    private final Digest expected;
    private final Digest actual;

    public DigestMismatchException(String message, Digest expected, Digest actual) {
        super(message);
        this.expected = expected;
        this.actual = actual;
    }

    public Digest expected() {
        return expected;
    }

    /** The digest of the bytes actually seen, or null when only the size was wrong. */
    public Digest actual() {
        return actual;
    }
}
