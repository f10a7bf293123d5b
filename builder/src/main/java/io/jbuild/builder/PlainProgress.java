package io.jbuild.builder;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * BuildKit's plain progress ({@code util/progress/progressui/printer.go}, {@code textMux}):
 *
 * <pre>
 * #5 [stage-1 2/3] RUN make
 * #5 0.345 compiling
 * #5 DONE 1.2s
 *
 * #6 [stage-1 3/3] COPY a /b
 * #6 CACHED
 * </pre>
 *
 * A step's header is printed when it starts and again whenever the output switches to it from
 * another running step (which is then left with {@code #N ...}); steps are separated by a blank
 * line. Output lines carry the seconds since the step started (3 decimals under 10s, 2 under 100s,
 * else 1, as BuildKit); only whole lines are printed, so parallel steps interleave by lines. On
 * close, each failed step's last {@value StepLog#KEPT} lines are repeated between {@code ------}
 * rules, as BuildKit's {@code printErrorLogs}.
 *
 * <p>In quiet mode only failures are printed: the failed step's header and {@code ERROR} line, and
 * the error summary on close.
 */
final class PlainProgress implements BuildProgress {
    private final PrintStream out;
    private final LongSupplier nanos;
    private final boolean quiet;
    private final List<PlainStep> steps = new ArrayList<>();
    private PlainStep current;
    private boolean notFirst;
    private boolean closed;

    PlainProgress(PrintStream out, LongSupplier nanos, boolean quiet) {
        this.out = out;
        this.nanos = nanos;
        this.quiet = quiet;
    }

    @Override
    public synchronized Step start(int number, String name) {
        PlainStep step = new PlainStep(number, name, nanos.getAsLong());
        steps.add(step);
        if (!quiet) {
            Chunk sb = new Chunk();
            header(sb, step);
            emit(sb);
        }
        return step;
    }

    @Override
    public synchronized void warn(String message) {
        if (quiet) {
            return;
        }
        Chunk sb = new Chunk();
        leaveCurrent(sb);
        separator(sb);
        sb.append("WARNING: ").append(message).append('\n');
        emit(sb);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Chunk sb = new Chunk();
        errorSummary(sb, steps);
        emit(sb);
    }

    /** BuildKit's {@code printErrorLogs}: each failed step's name and last lines between rules. */
    static void errorSummary(Chunk sb, List<? extends StepState> steps) {
        for (StepState step : steps) {
            if (step.error == null) {
                continue;
            }
            sb.append("------\n");
            sb.append(" > ").append(step.name).append(":\n");
            for (StepLog.Line line : step.log.last()) {
                sb.append(timestamp(line.nanos() - step.startNanos)).append(' ').append(line.text()).append('\n');
            }
            sb.append("------\n");
        }
    }

    private synchronized void log(PlainStep step, byte[] data, int off, int len) {
        if (step.finished) {
            return;
        }
        List<StepLog.Line> lines = step.log.feed(data, off, len, nanos.getAsLong());
        if (quiet || lines.isEmpty()) {
            return;
        }
        Chunk sb = new Chunk();
        header(sb, step);
        for (StepLog.Line line : lines) {
            logLine(sb, step, line);
        }
        emit(sb);
    }

    private synchronized void note(PlainStep step, String text) {
        if (step.finished || quiet) {
            return;
        }
        Chunk sb = new Chunk();
        header(sb, step);
        sb.append('#').append(step.number).append(' ').append(text).append('\n');
        emit(sb);
    }

    private synchronized void finish(PlainStep step, boolean cached, String error) {
        if (step.finished) {
            return;
        }
        step.finished = true;
        step.endNanos = nanos.getAsLong();
        step.cached = cached;
        step.error = error;
        StepLog.Line rest = step.log.flush();
        if (quiet && error == null) {
            return;
        }
        Chunk sb = new Chunk();
        header(sb, step);
        if (rest != null && !quiet) {
            logLine(sb, step, rest);
        }
        if (error != null) {
            sb.append('#').append(step.number).append(" ERROR: ").append(error).append('\n');
        } else if (cached) {
            sb.append('#').append(step.number).append(" CACHED\n");
        } else {
            sb.append('#').append(step.number).append(" DONE ")
                    .append(String.format(Locale.ROOT, "%.1f", (step.endNanos - step.startNanos) / 1e9)).append("s\n");
        }
        current = null;
        emit(sb);
    }

    /** Makes {@code step} the current one: leaves the previous with {@code #N ...}, prints the header. */
    private void header(Chunk sb, PlainStep step) {
        if (step == current) {
            return;
        }
        leaveCurrent(sb);
        separator(sb);
        sb.append('#').append(step.number).append(' ').append(step.name).append('\n');
        current = step;
    }

    private void leaveCurrent(Chunk sb) {
        if (current != null) {
            sb.append('#').append(current.number).append(" ...\n");
            current = null;
        }
    }

    private void separator(Chunk sb) {
        if (notFirst) {
            sb.append('\n');
        } else {
            notFirst = true;
        }
    }

    private static void logLine(Chunk sb, StepState step, StepLog.Line line) {
        sb.append('#').append(step.number).append(' ').append(timestamp(line.nanos() - step.startNanos)).append(' ')
                .append(line.text()).append('\n');
    }

    /** Seconds with 3 decimals under 10s, 2 under 100s, else 1 (BuildKit's log prefix). */
    static String timestamp(long elapsedNanos) {
        double sec = Math.max(0, elapsedNanos) / 1e9;
        int precision = sec < 10 ? 3 : sec < 100 ? 2 : 1;
        return String.format(Locale.ROOT, "%." + precision + "f", sec);
    }

    private void emit(Chunk sb) {
        if (sb.size() == 0) {
            return;
        }
        sb.writeTo(out);
    }

    /** Output being assembled: text as UTF-8, step output as the bytes the step wrote. */
    static final class Chunk {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        Chunk append(String text) {
            bytes.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Chunk append(char c) {
            return append(String.valueOf(c));
        }

        Chunk append(int n) {
            return append(Integer.toString(n));
        }

        Chunk append(byte[] raw) {
            bytes.writeBytes(raw);
            return this;
        }

        int size() {
            return bytes.size();
        }

        void writeTo(PrintStream out) {
            byte[] b = bytes.toByteArray();
            out.write(b, 0, b.length);
            out.flush();
        }
    }

    /**
     * What the printers know of one step, and the step handle they give out: output goes to
     * {@link #logged}, the end (done, cached or failed) to {@link #finished}, each printer's own.
     */
    abstract static class StepState implements Step {
        final int number;
        final String name;
        final long startNanos;
        final StepLog log = new StepLog();
        long endNanos = -1;
        boolean finished;
        boolean cached;
        String error;
        private final OutputStream stream = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                logged(b, off, len);
            }
        };

        StepState(int number, String name, long startNanos) {
            this.number = number;
            this.name = name;
            this.startNanos = startNanos;
        }

        /** A piece of the step's output. */
        abstract void logged(byte[] data, int off, int len);

        /** The step ended: cached, failed with {@code error} (non-null), or done. */
        abstract void finished(boolean cached, String error);

        @Override
        public OutputStream log() {
            return stream;
        }

        @Override
        public void cached() {
            finished(true, null);
        }

        @Override
        public void fail(String message) {
            finished(false, message == null ? "" : message);
        }

        @Override
        public void close() {
            finished(false, null);
        }
    }

    private final class PlainStep extends StepState {
        PlainStep(int number, String name, long startNanos) {
            super(number, name, startNanos);
        }

        @Override
        void logged(byte[] data, int off, int len) {
            PlainProgress.this.log(this, data, off, len);
        }

        @Override
        void finished(boolean cached, String error) {
            finish(this, cached, error);
        }

        @Override
        public void note(String text) {
            PlainProgress.this.note(this, text);
        }
    }
}
