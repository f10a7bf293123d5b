package io.jbuild.dockerfile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code --flag} words of one instruction, checked against the flags it accepts (BuildKit's BFlags). */
final class BuildFlags {
    private enum Kind { BOOL, STRING, STRINGS }

    private final Map<String, Kind> accepted = new LinkedHashMap<>();
    private final Map<String, List<String>> values = new HashMap<>();

    BuildFlags withBool(String name) {
        accepted.put(name, Kind.BOOL);
        return this;
    }

    BuildFlags withString(String name) {
        accepted.put(name, Kind.STRING);
        return this;
    }

    BuildFlags withStrings(String name) {
        accepted.put(name, Kind.STRINGS);
        return this;
    }

    BuildFlags parse(List<String> raw) throws DockerfileException {
        for (String word : raw) {
            if (!word.startsWith("--")) {
                throw Instructions.error("arg should start with -- : " + word);
            }
            if (word.equals("--")) {
                return this;
            }
            String name = word.substring(2);
            String value = "";
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Kind kind = accepted.get(name);
            if (kind == null) {
                List<String> options = new ArrayList<>();
                for (String a : accepted.keySet()) {
                    options.add("--" + a);
                }
                throw Instructions.error("unknown flag: --" + name + Suggestions.hint("--" + name, options, true));
            }
            if (values.containsKey(name) && kind != Kind.STRINGS) {
                throw Instructions.error("duplicate flag specified: --" + name);
            }
            switch (kind) {
                case BOOL:
                    if (eq >= 0 && value.isEmpty()) {
                        throw Instructions.error("missing a value on flag: --" + name);
                    }
                    String lower = value.toLowerCase(Locale.ROOT);
                    if (lower.isEmpty()) {
                        lower = "true";
                    } else if (!lower.equals("true") && !lower.equals("false")) {
                        throw Instructions.error("expecting boolean value for flag --" + name + ", not: " + value);
                    }
                    values.put(name, List.of(lower));
                    break;
                default:
                    if (eq < 0) {
                        throw Instructions.error("missing a value on flag: --" + name);
                    }
                    values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return this;
    }

    boolean used(String name) {
        return values.containsKey(name);
    }

    /** The value of a string flag, null when not given. */
    String string(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(0);
    }

    boolean bool(String name) {
        List<String> v = values.get(name);
        return v != null && v.get(0).equals("true");
    }

    /** A bool flag that may be absent (null). */
    Boolean optionalBool(String name) {
        List<String> v = values.get(name);
        return v == null ? null : Boolean.valueOf(v.get(0).equals("true"));
    }

    List<String> strings(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }
}
