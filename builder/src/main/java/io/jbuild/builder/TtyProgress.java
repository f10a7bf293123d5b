package io.jbuild.builder;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The live terminal view, after BuildKit's {@code ttyDisplay}: a header
 * ({@code [+] Building 3.2s (2/4)}), one line per step ({@code  => [2/4] RUN make   1.2s}, with
 * {@code CACHED} or {@code ERROR} before the name when so), and under each running step its last
 * {@value #TAIL} output lines ({@code  => => # ...}). The view is redrawn in place with ANSI cursor
 * movement at most every {@value #REFRESH_MILLIS} ms by a daemon thread, and once more, complete,
 * on close, followed by the error summary of failed steps (as the plain printer's).
 *
 * <p>When the view would be taller than the terminal, the oldest finished steps are printed once
 * above it and leave the redrawn region; warnings are printed above it the same way.
 */
final class TtyProgress implements BuildProgress {
    static final int TAIL = 6;
    static final long REFRESH_MILLIS = 100;

    private static final String ESC = "\u001b[";
    private static final String CLEAR_LINE = ESC + "K";
    private static final String CLEAR_BELOW = ESC + "J";
    private static final String HIDE_CURSOR = ESC + "?25l";
    private static final String SHOW_CURSOR = ESC + "?25h";
    private static final String RED = ESC + "31m";
    private static final String BLUE = ESC + "34m";
    private static final String FAINT = ESC + "2m";
    private static final String RESET = ESC + "0m";

    private final PrintStream out;
    private final LongSupplier nanos;
    private final int width;
    private final int height;
    private final long startNanos;
    private final List<TtyStep> steps = new ArrayList<>();
    private final List<String> above = new ArrayList<>();
    private int committed;
    private int regionLines;
    private boolean dirty = true;
    private boolean closed;
    private final Thread refresher;

    /**
     * @param width the terminal's columns
     * @param height the terminal's rows
     * @param refresh whether to start the redrawing thread (tests call {@link #redraw} themselves)
     */
    TtyProgress(PrintStream out, LongSupplier nanos, int width, int height, boolean refresh) {
        this.out = out;
        this.nanos = nanos;
        this.width = Math.max(40, width);
        this.height = Math.max(5, height);
        this.startNanos = nanos.getAsLong();
        if (refresh) {
            refresher = new Thread(this::refreshLoop, "jbuild-progress");
            refresher.setDaemon(true);
            refresher.start();
        } else {
            refresher = null;
        }
    }

    @Override
    public synchronized Step start(int number, String name) {
        TtyStep step = new TtyStep(number, name, nanos.getAsLong());
        steps.add(step);
        dirty = true;
        return step;
    }

    @Override
    public synchronized void warn(String message) {
        above.add("WARNING: " + message);
        dirty = true;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (refresher != null) {
            refresher.interrupt();
            try {
                refresher.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            draw(true);
            PlainProgress.Chunk summary = new PlainProgress.Chunk();
            PlainProgress.errorSummary(summary, steps);
            summary.writeTo(out);
        }
    }

    /** Redraws the view now (the refresh thread's work). */
    synchronized void redraw() {
        if (!closed) {
            draw(false);
        }
    }

    private void refreshLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(REFRESH_MILLIS);
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    if (dirty || anyRunning()) {
                        draw(false);
                    }
                }
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            // a broken terminal must not break the build: stop redrawing, close() prints the end state
        }
    }

    private boolean anyRunning() {
        for (int i = committed; i < steps.size(); i++) {
            if (!steps.get(i).finished) {
                return true;
            }
        }
        return false;
    }

    private void draw(boolean complete) {
        long now = nanos.getAsLong();
        List<String> permanent = new ArrayList<>(above);
        above.clear();
        List<String> live = new ArrayList<>();
        for (int i = committed; i < steps.size(); i++) {
            live.addAll(stepLines(steps.get(i), now, complete));
        }
        if (!complete) {
            // keep the region within the terminal: finished steps at the top leave it for good
            while (live.size() + 1 > height - 1 && committed < steps.size() && steps.get(committed).finished) {
                List<String> lines = stepLines(steps.get(committed), now, false);
                permanent.addAll(lines);
                live.subList(0, lines.size()).clear();
                committed++;
            }
        }
        StringBuilder sb = new StringBuilder(HIDE_CURSOR);
        if (regionLines > 0) {
            sb.append('\r').append(ESC).append(regionLines).append('A');
        }
        for (String line : permanent) {
            sb.append(line).append(CLEAR_LINE).append('\n');
        }
        sb.append(header(now, complete)).append(CLEAR_LINE).append('\n');
        for (String line : live) {
            sb.append(line).append(CLEAR_LINE).append('\n');
        }
        sb.append(CLEAR_BELOW).append(SHOW_CURSOR);
        regionLines = complete ? 0 : 1 + live.size();
        dirty = false;
        write(sb);
    }

    private String header(long now, boolean complete) {
        int done = 0;
        for (TtyStep s : steps) {
            if (s.finished) {
                done++;
            }
        }
        String text = String.format(Locale.ROOT, "[+] Building %.1fs (%d/%d)", (now - startNanos) / 1e9, done,
                steps.size());
        if (complete && done == steps.size() && done > 0) {
            text += " FINISHED";
        }
        return fit(text, width);
    }

    private List<String> stepLines(TtyStep step, long now, boolean complete) {
        List<String> lines = new ArrayList<>();
        long end = step.finished ? step.endNanos : now;
        double seconds = (end - step.startNanos) / 1e9;
        if (seconds < 0.05) {
            seconds = 0;
        }
        String timer = String.format(Locale.ROOT, " %3.1fs", seconds);
        String prefix = step.error != null ? "ERROR " : step.cached ? "CACHED " : "";
        String name = fit(" => " + prefix + step.name, width - timer.length());
        String line = name + " ".repeat(Math.max(0, width - timer.length() - name.length())) + timer;
        if (step.error != null) {
            line = RED + line + RESET;
        } else if (step.finished) {
            line = BLUE + line + RESET;
        }
        lines.add(line);
        if (!step.finished && !complete) {
            List<String> tail = new ArrayList<>();
            for (StepLog.Line l : step.log.last()) {
                tail.add(new String(l.text(), StandardCharsets.UTF_8));
            }
            byte[] pending = step.log.pending();
            if (pending.length > 0) {
                tail.add(new String(pending, StandardCharsets.UTF_8));
            }
            for (String t : tail.subList(Math.max(0, tail.size() - TAIL), tail.size())) {
                lines.add(FAINT + fit(" => => # " + printable(t), width) + RESET);
            }
        }
        return lines;
    }

    /** Control characters (a stray \r, escapes) would break the layout: shown as spaces. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString();
    }

    private static String fit(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max));
    }

    private void write(StringBuilder sb) {
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    private synchronized void log(TtyStep step, byte[] data, int off, int len) {
        if (!step.finished) {
            step.log.feed(data, off, len, nanos.getAsLong());
            dirty = true;
        }
    }

    private synchronized void finish(TtyStep step, boolean cached, String error) {
        if (step.finished) {
            return;
        }
        step.finished = true;
        step.endNanos = nanos.getAsLong();
        step.cached = cached;
        step.error = error;
        step.log.flush();
        dirty = true;
    }

    private final class TtyStep extends PlainProgress.StepState {
        TtyStep(int number, String name, long startNanos) {
            super(number, name, startNanos);
        }

        @Override
        void logged(byte[] data, int off, int len) {
            TtyProgress.this.log(this, data, off, len);
        }

        @Override
        void finished(boolean cached, String error) {
            finish(this, cached, error);
        }
    }
}
