package io.jbuild.builder;

import java.util.Locale;

/** The network a RUN step gets: {@code RUN --network=...} and the build's {@code --network}. */
public enum NetworkMode {
    /** A new network namespace with only loopback up (the default). */
    DEFAULT,
    /** A new network namespace with nothing configured. */
    NONE,
    /** The host's network namespace. */
    HOST;

    public static NetworkMode parse(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "default":
            case "":
                return DEFAULT;
            case "none":
                return NONE;
            case "host":
                return HOST;
            default:
                throw new IllegalArgumentException("unknown network mode \"" + value + "\" (expected default, none or host)");
        }
    }
}
