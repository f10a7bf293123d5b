package io.jbuild.builder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One {@code --output} as BuildKit spells it: {@code type=oci,dest=out.tar}, {@code type=local,dest=dir},
 * {@code type=image,name=reg/app:1,push=true}, or a bare path (= {@code type=local,dest=PATH}).
 *
 * @param type {@code image}, {@code registry}, {@code oci}, {@code docker}, {@code local} or {@code tar}
 * @param attributes the other {@code key=value} pairs as given
 */
public record BuildOutput(String type, Map<String, String> attributes) {
    private static final Set<String> TYPES = Set.of("image", "registry", "oci", "docker", "local", "tar");

    public BuildOutput {
        Objects.requireNonNull(type, "type");
        attributes = Map.copyOf(attributes);
    }

    /** Parses an {@code --output} value; {@code -} and bare paths mean {@code type=local}/{@code tar} as BuildKit. */
    public static BuildOutput parse(String text) {
        if (!text.contains("=")) {
            return new BuildOutput(text.equals("-") ? "tar" : "local", Map.of("dest", text));
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String part : splitCsv(text)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("invalid --output \"" + text + "\": \"" + part + "\" is not key=value");
            }
            attrs.put(part.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT), part.substring(eq + 1));
        }
        String type = attrs.remove("type");
        if (type == null) {
            throw new IllegalArgumentException("invalid --output \"" + text + "\": type is missing");
        }
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("invalid --output \"" + text + "\": unknown type \"" + type
                    + "\" (expected image, registry, oci, docker, local or tar)");
        }
        if (type.equals("registry")) {
            type = "image";
            attrs.put("push", "true");
        }
        if (List.of("oci", "docker", "local", "tar").contains(type) && !attrs.containsKey("dest")
                && !(type.equals("docker"))) {
            throw new IllegalArgumentException("invalid --output \"" + text + "\": dest is missing");
        }
        return new BuildOutput(type, attrs);
    }

    /** Splits {@code key=value,...} at the commas outside double quotes (BuildKit's CSV flag values). */
    static List<String> splitCsv(String text) {
        List<String> parts = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    public String attribute(String key) {
        return attributes.get(key);
    }

    public boolean flag(String key, boolean defaultValue) {
        String v = attributes.get(key);
        return v == null ? defaultValue : v.isEmpty() || Boolean.parseBoolean(v);
    }
}
