package io.jbuild.layerstore;

/** Content in the store is not what its name promises (wrong digest, unreadable index). */
public final class StoreCorruptedException extends StoreException {
    public StoreCorruptedException(String message) {
        super(message);
    }

    public StoreCorruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
