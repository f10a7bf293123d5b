package io.jbuild.registry;

/**
 * A registry request failed. The message names the action, the registry, repository, digest or
 * tag, and the registry's error code when it sent one (for example {@code MANIFEST_UNKNOWN}).
 */
public class RegistryException extends Exception {
    private final int status;
    private final String code;

    public RegistryException(String message) {
        this(message, 0, null, null);
    }

    public RegistryException(String message, Throwable cause) {
        this(message, 0, null, cause);
    }

    public RegistryException(String message, int status, String code, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status the registry answered, or 0 when the request did not complete. */
    public int status() {
        return status;
    }

    /** The first error code of the registry's JSON error body, or null. */
    public String code() {
        return code;
    }
}
