package io.jbuild.dockerfile;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/** Go's {@code time.ParseDuration}: {@code 300ms}, {@code 1.5h}, {@code 2h45m}, {@code -1s}, {@code 0}. */
public final class Durations {
    private static final Map<String, Long> UNITS = Map.of("ns", 1L, "us", 1_000L, "\u00b5s", 1_000L,
            "\u03bcs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private Durations() {
    }

    /** Parses a Go duration; the message of a failure is Go's ({@code time: invalid duration "x"}). */
    public static Duration parse(String text) throws DockerfileException {
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw Instructions.error("time: missing unit in duration \"" + text + "\"");
            }
            Long nanos = UNITS.get(unit);
            if (nanos == null) {
                throw Instructions.error("time: unknown unit \"" + unit + "\" in duration \"" + text + "\"");
            }
            String n = number.endsWith(".") ? number + "0" : number;
            total = total.add(new BigDecimal(n.startsWith(".") ? "0" + n : n).multiply(BigDecimal.valueOf(nanos)));
        }
        if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw invalid(text);
        }
        long nanos = total.longValue();
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    private static DockerfileException invalid(String text) {
        return Instructions.error("time: invalid duration \"" + text + "\"");
    }
}
