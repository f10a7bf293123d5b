package io.jbuild.registry.sign;

import io.jbuild.registry.RegistryException;

/** Checked root of the signing package: a key, payload or signature could not be made or checked. */
public class SignatureException extends RegistryException {
    public SignatureException(String message) {
        super(message);
    }

    public SignatureException(String message, Throwable cause) {
        super(message, cause);
    }
}
