package io.jbuild.builder;

import io.jbuild.dockerfile.GoPaths;
import io.jbuild.dockerfile.GoQuote;

import java.util.List;

/**
 * The few Go {@code fmt} renderings that BuildKit writes into image history: {@code %q} and
 * {@code %v} of a string slice, {@code time.Duration.String()} and {@code path.Clean}.
 */
final class GoFormats {
    private GoFormats() {
    }

    /** {@code fmt.Sprintf("%v", list)}: {@code [a b c]}. */
    static String list(List<String> values) {
        return "[" + String.join(" ", values) + "]";
    }

    /** {@code fmt.Sprintf("%q", list)}: {@code ["a" "b"]}, {@code []} for null or empty. */
    static String quotedList(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                GoQuote.appendQuoted(sb, values.get(i));
            }
        }
        return sb.append(']').toString();
    }

    /** Go's {@code strconv.Quote}. */
    static String quote(String s) {
        return GoQuote.quote(s);
    }

    /** Go's {@code time.Duration.String()}: {@code 0s}, {@code 100ms}, {@code 1.5µs}, {@code 1m30s}, {@code 1h0m0s}. */
    static String duration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        boolean negative = nanos < 0;
        // Long.MIN_VALUE has no positive counterpart: treat as unsigned like Go does
        long u = negative ? -nanos : nanos;
        StringBuilder out = new StringBuilder();
        if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
            String unit;
            int precision;
            if (u < 1_000L) {
                unit = "ns";
                precision = 0;
            } else if (u < 1_000_000L) {
                unit = "\u00b5s";
                precision = 3;
            } else {
                unit = "ms";
                precision = 6;
            }
            out.append(Long.toUnsignedString(pow10Div(u, precision))).append(fraction(u, precision)).append(unit);
        } else {
            String frac = fraction(u, 9);
            long seconds = Long.divideUnsigned(u, 1_000_000_000L);
            long minutes = seconds / 60;
            long hours = minutes / 60;
            if (hours > 0) {
                out.append(hours).append('h').append(minutes % 60).append('m');
            } else if (minutes > 0) {
                out.append(minutes).append('m');
            }
            out.append(seconds % 60).append(frac).append('s');
        }
        return (negative ? "-" : "") + out;
    }

    private static long pow10Div(long u, int precision) {
        long div = 1;
        for (int i = 0; i < precision; i++) {
            div *= 10;
        }
        return Long.divideUnsigned(u, div);
    }

    /** The fractional digits of {@code u / 10^precision}, trailing zeros (and the point) dropped. */
    private static String fraction(long u, int precision) {
        long div = 1;
        for (int i = 0; i < precision; i++) {
            div *= 10;
        }
        long rest = Long.remainderUnsigned(u, div);
        if (rest == 0) {
            return "";
        }
        StringBuilder digits = new StringBuilder(Long.toString(rest));
        while (digits.length() < precision) {
            digits.insert(0, '0');
        }
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return "." + digits.substring(0, end);
    }

    /** Go's {@code path.Clean} for slash-separated paths. */
    static String cleanPath(String path) {
        return GoPaths.clean(path);
    }
}
