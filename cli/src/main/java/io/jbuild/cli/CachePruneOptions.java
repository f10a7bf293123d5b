package io.jbuild.cli;

import io.jbuild.builder.Builder;
import io.jbuild.builder.CachePruneResult;
import io.jbuild.dockerfile.DockerfileException;
import io.jbuild.dockerfile.Durations;
import io.jbuild.layerstore.BlobStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code prune --cache [--keep-storage SIZE] [--filter until=DURATION]}: the step cache part of
 * {@code jbuild prune} ({@code @Mixin}), as {@code docker builder prune} spells it.
 */
final class CachePruneOptions {
    @Option(names = "--cache", description = "Prune the build step cache (all of it unless --keep-storage or "
            + "--filter until= say what to keep).")
    boolean cache;

    @Option(names = "--keep-storage", paramLabel = "SIZE",
            description = "With --cache: keep the most recently used entries whose layers total at most SIZE "
                    + "(bytes, or with k, m, g: 512m, 10GB).")
    String keepStorage;

    @Option(names = "--filter", paramLabel = "until=DURATION",
            description = "With --cache: remove only entries unused for longer than DURATION (24h, 90m, 1h30m).")
    List<String> filters = new ArrayList<>();

    /** Prunes the step cache; prints what it did. */
    void prune(BlobStore store, PrintWriter out) throws Exception {
        long keep = keepStorage == null ? -1 : parseSize(keepStorage);
        Duration until = null;
        for (String f : filters) {
            if (!f.startsWith("until=")) {
                throw new CommandException("--filter " + f + ": only until=DURATION is supported");
            }
            try {
                until = Durations.parse(f.substring("until=".length()));
            } catch (DockerfileException e) {
                throw new CommandException("--filter " + f + ": " + e.getMessage());
            }
        }
        if (keep < 0 && until == null) {
            keep = 0;
        }
        CachePruneResult result = Builder.pruneCache(store, keep, until);
        out.println("Deleted " + result.removed() + " build cache entr" + (result.removed() == 1 ? "y" : "ies")
                + ", kept " + result.kept() + "; " + result.layerBytes()
                + " bytes of layers are no longer cached (jbuild prune deletes those no image uses)");
        out.flush();
    }

    /** {@code 512}, {@code 512b}, {@code 10k}, {@code 512mb}, {@code 10GB} (1024-based, as Docker's RAMInBytes). */
    static long parseSize(String text) throws CommandException {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new CommandException("--keep-storage " + text + ": not a size");
        }
        double value;
        try {
            value = Double.parseDouble(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new CommandException("--keep-storage " + text + ": not a size");
        }
        String unit = t.substring(i).strip();
        long factor;
        switch (unit) {
            case "": case "b":
                factor = 1;
                break;
            case "k": case "kb": case "kib":
                factor = 1L << 10;
                break;
            case "m": case "mb": case "mib":
                factor = 1L << 20;
                break;
            case "g": case "gb": case "gib":
                factor = 1L << 30;
                break;
            case "t": case "tb": case "tib":
                factor = 1L << 40;
                break;
            default:
                throw new CommandException("--keep-storage " + text + ": unknown unit \"" + unit + "\"");
        }
        return (long) (value * factor);
    }
}
