package io.jbuild.dockerfile;

import java.util.Locale;

/** The {@code type=} of a {@code RUN --mount}. */
public enum MountType {
    BIND, CACHE, TMPFS, SECRET, SSH;

    /** The word used in Dockerfiles ({@code bind}, {@code cache}...). */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
