package io.jbuild.layerstore;

/** User input (a digest, platform, image reference) does not follow its grammar. */
public final class InvalidValueException extends StoreException {
    public InvalidValueException(String message) {
        super(message);
    }
}
