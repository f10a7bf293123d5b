package io.jbuild.layerstore;

/** Content handed to the store does not match the descriptor it was announced with. */
public final class UnexpectedContentException extends StoreException {
    public UnexpectedContentException(String message, Throwable cause) {
        super(message, cause);
    }
}
