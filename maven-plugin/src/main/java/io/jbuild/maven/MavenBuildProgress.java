package io.jbuild.maven;

import io.jbuild.builder.BuildProgress;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.maven.plugin.logging.Log;

/**
 * Build progress as Maven log lines, in BuildKit's plain format: {@code #3 [2/3] COPY app.jar /app/}
 * when a step starts, {@code #3 <output line>} for what it prints, and {@code #3 DONE 0.4s},
 * {@code #3 CACHED} or {@code #3 ERROR: <message>} when it ends. Thread-safe.
 */
final class MavenBuildProgress implements BuildProgress {
    private final Log log;
    private int steps;
    private int cached;
    private int failed;
    private final long start = System.nanoTime();

    MavenBuildProgress(Log log) {
        this.log = log;
    }

    @Override
    public synchronized Step start(int number, String name) {
        steps++;
        log.info("#" + number + " " + name);
        return new MavenStep(number);
    }

    @Override
    public synchronized void warn(String message) {
        log.warn(message);
    }

    @Override
    public synchronized void close() {
        log.info(String.format(Locale.ROOT, "%d step(s), %d cached, %d failed in %s", steps, cached, failed,
                seconds(System.nanoTime() - start)));
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    private synchronized void line(int number, String text, boolean error) {
        if (error) {
            log.error("#" + number + " " + text);
        } else {
            log.info("#" + number + " " + text);
        }
    }

    private synchronized void countCached() {
        cached++;
    }

    private synchronized void countFailed() {
        failed++;
    }

    private final class MavenStep implements Step {
        private final int number;
        private final long stepStart = System.nanoTime();
        private final LineStream output;
        private boolean ended;

        MavenStep(int number) {
            this.number = number;
            this.output = new LineStream(number);
        }

        @Override
        public OutputStream log() {
            return output;
        }

        @Override
        public synchronized void cached() {
            if (!ended) {
                ended = true;
                countCached();
                line(number, "CACHED", false);
            }
        }

        @Override
        public synchronized void fail(String message) {
            if (!ended) {
                ended = true;
                output.flushLine();
                countFailed();
                line(number, "ERROR: " + message, true);
            }
        }

        @Override
        public synchronized void close() {
            output.flushLine();
            if (!ended) {
                ended = true;
                line(number, "DONE " + seconds(System.nanoTime() - stepStart), false);
            }
        }
    }

    /** Splits a step's output into lines, each logged as it completes; carriage returns end a line too. */
    private final class LineStream extends OutputStream {
        private static final int MAX_LINE = 16 * 1024;
        private final int number;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean afterCarriageReturn;

        LineStream(int number) {
            this.number = number;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                if (!afterCarriageReturn) {
                    emit();
                }
                afterCarriageReturn = false;
            } else if (b == '\r') {
                if (pending.size() > 0) {
                    emit();
                }
                afterCarriageReturn = true;
            } else {
                afterCarriageReturn = false;
                pending.write(b);
                if (pending.size() >= MAX_LINE) {
                    emit();
                }
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }

        synchronized void flushLine() {
            if (pending.size() > 0) {
                emit();
            }
        }

        @Override
        public void close() {
            flushLine();
        }

        private void emit() {
            line(number, pending.toString(StandardCharsets.UTF_8), false);
            pending.reset();
        }
    }
}
