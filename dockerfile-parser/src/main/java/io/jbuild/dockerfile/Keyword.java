package io.jbuild.dockerfile;

import java.util.Locale;
import java.util.Optional;

/** The Dockerfile instructions BuildKit knows. */
public enum Keyword {
    FROM, RUN, CMD, LABEL, MAINTAINER, EXPOSE, ENV, ADD, COPY, ENTRYPOINT, VOLUME, USER, WORKDIR, ARG,
    ONBUILD, STOPSIGNAL, HEALTHCHECK, SHELL;

    /** The keyword as written in a Dockerfile by convention (upper case). */
    public String word() {
        return name();
    }

    /** The keyword for {@code word} in any case, or empty when it is not an instruction. */
    public static Optional<Keyword> find(String word) {
        String upper = word.toUpperCase(Locale.ROOT);
        for (Keyword k : values()) {
            if (k.name().equals(upper)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
