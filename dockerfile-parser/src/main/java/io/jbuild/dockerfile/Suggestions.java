package io.jbuild.dockerfile;

import java.util.Collection;
import java.util.Locale;

/** "did you mean" hints, chosen by edit distance as BuildKit's suggest package does. */
final class Suggestions {
    private Suggestions() {
    }

    /**
     * The text {@code " (did you mean X?)"} for the closest option at edit distance below 3, or
     * "" when there is none or when {@code value} is itself an option.
     */
    static String hint(String value, Collection<String> options, boolean caseSensitive) {
        String val = caseSensitive ? value : value.toLowerCase(Locale.ROOT);
        String match = null;
        int best = 3;
        for (String option : options) {
            String opt = caseSensitive ? option : option.toLowerCase(Locale.ROOT);
            if (opt.equals(val)) {
                return "";
            }
            int d = distance(val, opt);
            if (d < best) {
                best = d;
                match = caseSensitive ? opt : matchCase(opt, value);
            }
        }
        return match == null ? "" : " (did you mean " + match + "?)";
    }

    private static String matchCase(String option, String original) {
        if (original.equals(original.toLowerCase(Locale.ROOT))) {
            return option.toLowerCase(Locale.ROOT);
        }
        if (original.equals(original.toUpperCase(Locale.ROOT))) {
            return option.toUpperCase(Locale.ROOT);
        }
        return option;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
