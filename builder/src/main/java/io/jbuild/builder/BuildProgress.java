package io.jbuild.builder;

import java.io.OutputStream;

/**
 * Where a build reports what it does, as BuildKit's progress writer: numbered steps
 * ({@code #5 [stage-1 2/3] RUN make}), their live output, and how each ended. Implementations are
 * thread-safe: independent stages run in parallel.
 */
public interface BuildProgress extends AutoCloseable {
    /** Starts step {@code number} named as BuildKit names it, e.g. {@code [stage-1 2/3] RUN make}. */
    Step start(int number, String name);

    /** A build-level warning (lint findings, a missing runtime), printed once. */
    void warn(String message);

    /** Ends the build's output (a summary line, the terminal view torn down). */
    @Override
    void close();

    /** One step's progress; closing a step that was neither {@link #cached} nor {@link #fail}ed marks it done. */
    interface Step extends AutoCloseable {
        /** The step's live output (the container's stdout and stderr); written as lines arrive. */
        OutputStream log();

        /**
         * A line about the step from the builder, not from its process (e.g. why the cache missed):
         * the plain printer shows it as {@code #N text}; by default it goes to the step's log.
         */
        default void note(String text) {
            try {
                log().write((text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException ignored) {
                // progress output is best effort
            }
        }

        /** The step's result came from the cache. */
        void cached();

        /** The step failed with this message. */
        void fail(String message);

        @Override
        void close();
    }
}
