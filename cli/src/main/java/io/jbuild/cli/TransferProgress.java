package io.jbuild.cli;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.MediaType;
import io.jbuild.registry.TransferListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the layers of a pull or push the way docker does. On a terminal each layer has a line
 * that is redrawn in place (ANSI cursor movement) with its bytes and rate; otherwise one plain
 * line per finished layer ({@code 0123456789ab: Pull complete 1.2MB in 0.3s}). Image configs are
 * transferred but not shown, as docker does. Thread-safe.
 */
final class TransferProgress implements TransferListener {
    private static final long REDRAW_INTERVAL_NANOS = 100_000_000L;

    /** The words of one direction. */
    enum Direction {
        PULL("Pulling fs layer", "Downloading", "Already exists", "Pull complete"),
        PUSH("Preparing", "Pushing", "Layer already exists", "Pushed");

        final String waiting;
        final String moving;
        final String skipped;
        final String complete;

        Direction(String waiting, String moving, String skipped, String complete) {
            this.waiting = waiting;
            this.moving = moving;
            this.skipped = skipped;
            this.complete = complete;
        }
    }

    private static final class Line {
        final Descriptor blob;
        final long start = System.nanoTime();
        String status;
        long bytes;

        Line(Descriptor blob, String status) {
            this.blob = blob;
            this.status = status;
        }
    }

    private final PrintWriter out;
    private final boolean terminal;
    private final Direction direction;
    private final String mountedFrom;
    private final Map<Digest, Line> lines = new LinkedHashMap<>();
    private int drawn;
    private long lastDraw;

    /** {@code mountedFrom} names the repository mounts come from (push), or null. */
    TransferProgress(PrintWriter out, boolean terminal, Direction direction, String mountedFrom) {
        this.out = out;
        this.terminal = terminal;
        this.direction = direction;
        this.mountedFrom = mountedFrom;
    }

    static String shortDigest(Digest digest) {
        return digest.encoded().substring(0, Math.min(12, digest.encoded().length()));
    }

    private static boolean shown(Descriptor blob) {
        String type = blob.mediaType();
        return !(type.equals(MediaType.OCI_CONFIG) || type.equals(MediaType.DOCKER_CONFIG)
                || type.equals(MediaType.OCI_EMPTY) || type.endsWith(".config.v1+json"));
    }

    @Override
    public synchronized void started(Descriptor blob) {
        if (!shown(blob)) {
            return;
        }
        lines.put(blob.digest(), new Line(blob, direction.waiting));
        redraw(true);
    }

    @Override
    public synchronized void progress(Descriptor blob, long bytesDone) {
        Line line = lines.get(blob.digest());
        if (line == null) {
            return;
        }
        line.bytes = bytesDone;
        line.status = direction.moving + " " + bar(bytesDone, blob.size()) + " " + size(bytesDone) + "/"
                + size(blob.size()) + " " + rate(bytesDone, System.nanoTime() - line.start);
        redraw(false);
    }

    @Override
    public synchronized void done(Descriptor blob, Outcome outcome) {
        Line line = lines.get(blob.digest());
        if (line == null) {
            return;
        }
        long nanos = System.nanoTime() - line.start;
        line.status = switch (outcome) {
            case SKIPPED -> direction.skipped;
            case MOUNTED -> "Mounted from " + (mountedFrom == null ? "another repository" : mountedFrom);
            case TRANSFERRED -> direction.complete + " " + size(blob.size()) + " in "
                    + String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
        };
        if (terminal) {
            redraw(true);
        } else {
            out.println(shortDigest(blob.digest()) + ": " + line.status);
            out.flush();
        }
    }

    /** Redraws every line on a terminal: up to the first, clear and print each. */
    private void redraw(boolean force) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_INTERVAL_NANOS) {
            return;
        }
        lastDraw = now;
        StringBuilder b = new StringBuilder();
        if (drawn > 0) {
            b.append("\033[").append(drawn).append('A');
        }
        List<Line> all = new ArrayList<>(lines.values());
        for (Line line : all) {
            b.append("\r\033[2K").append(shortDigest(line.blob.digest())).append(": ").append(line.status).append('\n');
        }
        drawn = all.size();
        out.print(b);
        out.flush();
    }

    private static String bar(long done, long total) {
        int width = 50;
        int filled = total <= 0 ? width : (int) Math.min(width, done * width / total);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < width; i++) {
            b.append(i < filled - 1 ? '=' : i == filled - 1 ? '>' : ' ');
        }
        return b.append(']').toString();
    }

    /** Decimal units as docker prints them: {@code 512B}, {@code 1.2kB}, {@code 3.4MB}, {@code 1.1GB}. */
    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + "B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
    }

    private static String rate(long bytes, long nanos) {
        if (nanos <= 0) {
            return "";
        }
        return size((long) (bytes / (nanos / 1e9))) + "/s";
    }
}
