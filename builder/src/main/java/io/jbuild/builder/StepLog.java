package io.jbuild.builder;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One step's output split into lines as it arrives: complete lines are handed out, a partial line
 * is held until its newline (or {@link #flush}). Each line keeps the time its first byte arrived,
 * and the last {@link #KEPT} lines are remembered for the error summary. Not thread-safe: the
 * printers call it under their lock.
 */
final class StepLog {
    /** How many lines BuildKit keeps per step for the error summary ({@code logsBufferSize}). */
    static final int KEPT = 10;

    /** A complete line without its newline, and when (System.nanoTime-like) its first byte came. */
    record Line(byte[] text, long nanos) {
    }

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long partialNanos;
    private final Deque<Line> last = new ArrayDeque<>();

    /** Adds output that arrived at {@code nanos}; returns the lines it completed. */
    List<Line> feed(byte[] data, int off, int len, long nanos) {
        List<Line> lines = new ArrayList<>();
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (data[i] == '\n') {
                if (partial.size() == 0) {
                    partialNanos = nanos;
                }
                partial.write(data, start, i - start);
                lines.add(take());
                start = i + 1;
            }
        }
        if (start < end) {
            if (partial.size() == 0) {
                partialNanos = nanos;
            }
            partial.write(data, start, end - start);
        }
        return lines;
    }

    /** The held partial line as a line, or null when there is none. */
    Line flush() {
        return partial.size() == 0 ? null : take();
    }

    /** The partial line held so far (not consumed), empty when none. */
    byte[] pending() {
        return partial.toByteArray();
    }

    private Line take() {
        Line line = new Line(partial.toByteArray(), partialNanos);
        partial.reset();
        last.addLast(line);
        if (last.size() > KEPT) {
            last.removeFirst();
        }
        return line;
    }

    /** The last {@link #KEPT} lines, oldest first. */
    List<Line> last() {
        return List.copyOf(last);
    }
}
