package io.jbuild.registry.sign;

/** A key file could not be read or written: unknown PEM type, malformed content, unsupported key. */
public class KeyFileException extends SignatureException {
    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
