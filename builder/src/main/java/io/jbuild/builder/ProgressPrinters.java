package io.jbuild.builder;

import java.io.PrintStream;
import java.time.Clock;

/** The {@link BuildProgress} printers behind {@code --progress}. */
public final class ProgressPrinters {
    private static final int DEFAULT_COLUMNS = 80;
    private static final int DEFAULT_LINES = 24;

    private ProgressPrinters() {
    }

    /**
     * A printer for {@code mode} writing to {@code out}.
     *
     * <ul>
     *   <li>{@link ProgressMode#PLAIN}: BuildKit's plain numbered lines (see {@link PlainProgress}).</li>
     *   <li>{@link ProgressMode#TTY}: a live view redrawn in place (see {@link TtyProgress}); its size
     *       comes from the {@code COLUMNS} and {@code LINES} environment variables, else 80x24.</li>
     *   <li>{@link ProgressMode#QUIET}: only failures (the failed step and its message, then the error
     *       summary with its last output lines on close).</li>
     *   <li>{@link ProgressMode#RAWJSON}: one JSON object per event per line (see {@link RawJsonProgress}).</li>
     *   <li>{@link ProgressMode#AUTO}: TTY when {@code terminal} (and {@code TERM} is not {@code dumb}),
     *       else PLAIN.</li>
     * </ul>
     *
     * @param terminal whether {@code out} is a terminal (e.g. {@code System.console() != null})
     */
    public static BuildProgress create(ProgressMode mode, PrintStream out, boolean terminal) {
        switch (mode) {
            case AUTO:
                return terminal && !"dumb".equals(System.getenv("TERM")) ? tty(out)
                        : new PlainProgress(out, System::nanoTime, false);
            case TTY:
                return tty(out);
            case PLAIN:
                return new PlainProgress(out, System::nanoTime, false);
            case QUIET:
                return new PlainProgress(out, System::nanoTime, true);
            case RAWJSON:
                return new RawJsonProgress(out, Clock.systemUTC());
            default:
                throw new IllegalArgumentException("unknown progress mode " + mode);
        }
    }

    private static BuildProgress tty(PrintStream out) {
        return new TtyProgress(out, System::nanoTime, size("COLUMNS", DEFAULT_COLUMNS), size("LINES", DEFAULT_LINES),
                true);
    }

    private static int size(String variable, int fallback) {
        String value = System.getenv(variable);
        if (value != null) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // not a number: use the default
            }
        }
        return fallback;
    }
}
