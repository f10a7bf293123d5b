package io.jbuild.registry;

/** The manifest, blob, tag or repository does not exist (HTTP 404, {@code MANIFEST_UNKNOWN}, {@code BLOB_UNKNOWN}, ...). */
public class NotFoundException extends RegistryException {
    public NotFoundException(String message, int status, String code, Throwable cause) {
        super(message, status, code, cause);
    }
}
