package io.jbuild.maven;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code KEY=VALUE} lists as the goals take them ({@code -Djbuild.buildArgs=A=1,B=2} or one XML element each). */
final class KeyValues {
    private KeyValues() {
    }

    /**
     * Parses {@code KEY=VALUE} entries in order (a later key wins). An entry without {@code =}
     * takes its value from {@code environment} as {@code docker build --build-arg KEY} does, and
     * is left out when the variable is unset. Blank entries (an empty property) are ignored.
     *
     * @param what the parameter's name, for the message
     * @throws IllegalArgumentException naming the entry when its key is empty
     */
    static Map<String, String> parse(List<String> entries, Map<String, String> environment, String what) {
        Map<String, String> values = new LinkedHashMap<>();
        if (entries == null) {
            return values;
        }
        for (String entry : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            String text = entry.strip();
            int eq = text.indexOf('=');
            if (eq == 0) {
                throw new IllegalArgumentException("invalid " + what + " \"" + text + "\": the key before = is empty");
            }
            if (eq < 0) {
                String value = environment.get(text);
                if (value != null) {
                    values.put(text, value);
                }
            } else {
                values.put(text.substring(0, eq), text.substring(eq + 1));
            }
        }
        return values;
    }
}
