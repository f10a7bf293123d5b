package io.jbuild.builder;

import java.util.Locale;

/** {@code --progress}: how a build shows what it does. */
public enum ProgressMode {
    /** TTY on a terminal, PLAIN elsewhere. */
    AUTO,
    /** A live view of the running steps with timings, redrawn in place. */
    TTY,
    /** BuildKit's plain numbered lines ({@code #5 [2/4] RUN make}, {@code #5 DONE 1.2s}). */
    PLAIN,
    /** Nothing but errors. */
    QUIET,
    /** One JSON object per progress event, one per line. */
    RAWJSON;

    public static ProgressMode parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown progress mode \"" + value
                    + "\" (expected auto, tty, plain, quiet or rawjson)", e);
        }
    }
}
