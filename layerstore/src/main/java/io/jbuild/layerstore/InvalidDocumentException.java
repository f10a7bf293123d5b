package io.jbuild.layerstore;

/** A JSON document (manifest, index, config, descriptor) is malformed or violates the OCI spec. */
public final class InvalidDocumentException extends StoreException {
    public InvalidDocumentException(String message) {
        super(message);
    }

    public InvalidDocumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
