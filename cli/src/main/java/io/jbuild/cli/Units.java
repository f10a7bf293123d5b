package io.jbuild.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Sizes and ages written the way the docker command line writes them. */
final class Units {
    private static final String[] SIZE_UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

    private Units() {
    }

    /** Decimal units, three significant digits: {@code 4.26MB}, {@code 512B}. */
    static String size(long bytes) {
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(3, RoundingMode.HALF_EVEN));
        if (rounded.compareTo(BigDecimal.valueOf(1000)) >= 0 && unit < SIZE_UNITS.length - 1) {
            rounded = rounded.divide(BigDecimal.valueOf(1000)).round(new MathContext(3, RoundingMode.HALF_EVEN));
            unit++;
        }
        return rounded.stripTrailingZeros().toPlainString() + SIZE_UNITS[unit];
    }

    /** {@code 3 weeks ago}; {@code N/A} when the time is missing or not RFC 3339. */
    static String since(String created, Instant now) {
        Instant time = instant(created);
        return time == null ? "N/A" : duration(Duration.between(time, now)) + " ago";
    }

    static Instant instant(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(rfc3339).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A rough human duration, as Docker's: {@code About an hour}, {@code 2 days}, {@code 3 months}. */
    static String duration(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < 1) {
            return "Less than a second";
        }
        if (seconds == 1) {
            return "1 second";
        }
        if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = seconds / 60;
        if (minutes == 1) {
            return "About a minute";
        }
        if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = Math.round(seconds / 3600.0);
        if (hours == 1) {
            return "About an hour";
        }
        if (hours < 48) {
            return hours + " hours";
        }
        if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        }
        if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return seconds / 3600 / 24 / 365 + " years";
    }
}
