package io.jbuild.builder;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code --cache-to} or {@code --cache-from} as BuildKit spells it:
 * {@code type=registry,ref=REG/REPO:TAG[,mode=min|max]} or {@code type=local,dest=DIR|src=DIR}.
 * A bare value without {@code =} is {@code type=registry,ref=VALUE}, as buildx reads it.
 * A {@code --cache-to} may add {@code cache-mounts=true}: the contents of the
 * {@code RUN --mount=type=cache} directories the build used are exported too, as they are
 * (see {@link RemoteCache}).
 *
 * @param type {@code registry} or {@code local}
 * @param attributes the other {@code key=value} pairs as given
 */
public record CacheSpec(String type, Map<String, String> attributes) {
    public CacheSpec {
        Objects.requireNonNull(type, "type");
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** Parses a {@code --cache-to} ({@code export} true) or {@code --cache-from} value. */
    public static CacheSpec parse(String text, boolean export) {
        String flag = export ? "--cache-to" : "--cache-from";
        if (!text.contains("=")) {
            return new CacheSpec("registry", Map.of("ref", text));
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String part : BuildOutput.splitCsv(text)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("invalid " + flag + " \"" + text + "\": \"" + part
                        + "\" is not key=value");
            }
            attrs.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1));
        }
        String type = attrs.remove("type");
        if (type == null) {
            throw new IllegalArgumentException("invalid " + flag + " \"" + text + "\": type is missing");
        }
        String needed;
        switch (type) {
            case "registry":
                needed = "ref";
                break;
            case "local":
                needed = export ? "dest" : "src";
                break;
            default:
                throw new IllegalArgumentException("invalid " + flag + " \"" + text + "\": unknown type \"" + type
                        + "\" (expected registry or local)");
        }
        if (attrs.get(needed) == null || attrs.get(needed).isEmpty()) {
            throw new IllegalArgumentException("invalid " + flag + " \"" + text + "\": " + needed + " is missing");
        }
        String mode = attrs.get("mode");
        if (mode != null && !mode.equals("min") && !mode.equals("max")) {
            throw new IllegalArgumentException("invalid " + flag + " \"" + text + "\": mode must be min or max");
        }
        String mounts = attrs.get("cache-mounts");
        if (mounts != null && !mounts.equals("true") && !mounts.equals("false")) {
            throw new IllegalArgumentException("invalid " + flag + " \"" + text + "\": cache-mounts must be true or false");
        }
        return new CacheSpec(type, attrs);
    }

    /** {@code cache-mounts=true}: export the contents of the cache mounts the build used. */
    public boolean cacheMounts() {
        return "true".equals(attributes.get("cache-mounts"));
    }

    public String attribute(String key) {
        return attributes.get(key);
    }

    /** {@code mode=max}: export every stage's steps, not only the final image's. */
    public boolean maxMode() {
        return "max".equals(attributes.get("mode"));
    }
}
