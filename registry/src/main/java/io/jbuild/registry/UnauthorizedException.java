package io.jbuild.registry;

/** The registry or its token server refused the credentials (HTTP 401/403, {@code UNAUTHORIZED}, {@code DENIED}). */
public class UnauthorizedException extends RegistryException {
    public UnauthorizedException(String message, int status, String code, Throwable cause) {
        super(message, status, code, cause);
    }
}
