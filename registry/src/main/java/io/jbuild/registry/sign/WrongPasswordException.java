package io.jbuild.registry.sign;

/**
 * An encrypted private key did not open with the given password (the secretbox authenticator
 * did not match, which is also what a corrupted ciphertext looks like).
 */
public final class WrongPasswordException extends KeyFileException {
    public WrongPasswordException(String message) {
        super(message);
    }
}
