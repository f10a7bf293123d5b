package io.jbuild.layerstore;

/** Checked root of every failure reported by the layer store module. */
public class StoreException extends Exception {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
