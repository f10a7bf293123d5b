package io.jbuild.builder;

import io.jbuild.dockerfile.Instruction;
import io.jbuild.layerstore.Digest;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A step's cache key, as BuildKit derives one conceptually: the digest of the parent's key and of
 * everything the step reads. The named components are kept so that a miss can be explained by
 * comparing them with the key the same step had in an earlier build ({@link #explainMiss}).
 *
 * <p>Component names: {@code parent} (the parent key, or {@code image sha256:...} for a stage's
 * first step), {@code instruction} (the expanded instruction without its location and source
 * text), {@code arg:NAME} and {@code env:NAME} (only the variables in scope), {@code shell},
 * {@code user}, {@code workdir}, {@code platform}, {@code network}, {@code security},
 * {@code mount:TARGET} (type, id and options; never secret content), and {@code file:PATH} (one
 * per selected source file of the build context, {@code file@FROM PATH} for another stage's or
 * image's files) whose value is the file's {@link ContextHasher} entry digest.
 *
 * @param digest the key: sha256 over the sorted components
 * @param components the named inputs, sorted by name
 */
record CacheKey(Digest digest, SortedMap<String, String> components) {
    static final String PARENT = "parent";
    static final String INSTRUCTION = "instruction";
    private static final String VERSION = "jbuild-step-cache-v1";
    private static final int MAX_FILES_LISTED = 5;

    CacheKey {
        Objects.requireNonNull(digest, "digest");
        components = Collections.unmodifiableSortedMap(new TreeMap<>(components));
    }

    /** The key of these components (the digest computed from them). */
    static CacheKey of(Map<String, String> components) {
        SortedMap<String, String> sorted = new TreeMap<>(components);
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        update(md, VERSION);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            update(md, e.getKey());
            update(md, e.getValue());
        }
        return new CacheKey(Digest.sha256(hex(md.digest())), sorted);
    }

    /** Starts a key whose parent is {@code parent} (a step's key, or a base's identity such as {@code image sha256:...}). */
    static Builder builder(String parent) {
        return new Builder().put(PARENT, parent);
    }

    static Builder builder(CacheKey parent) {
        return builder(parent.digest().toString());
    }

    /**
     * The canonical form of an expanded instruction: its keyword and every record component
     * except its location and original text, so a moved or reformatted line keeps its key while
     * every expanded word counts.
     */
    static String canonical(Instruction instruction) {
        StringBuilder b = new StringBuilder(instruction.keyword().name());
        RecordComponent[] parts = instruction.getClass().getRecordComponents();
        if (parts == null) {
            return b.append(' ').append(instruction).toString();
        }
        for (RecordComponent c : parts) {
            if (c.getName().equals("location") || c.getName().equals("original")) {
                continue;
            }
            try {
                b.append(' ').append(c.getName()).append('=').append(c.getAccessor().invoke(instruction));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("read " + c.getName() + " of " + instruction.keyword(), e);
            }
        }
        return b.toString();
    }

    /**
     * Why this key differs from {@code previous}, the key the same step had before: one line per
     * changed input ({@code file app/main.c changed}, {@code ARG VERSION changed from 1 to 2}, ...),
     * the parent last ({@code the step above missed}). Empty when the keys are equal.
     */
    List<String> explainMiss(CacheKey previous) {
        if (previous == null) {
            return List.of("no earlier build of this step");
        }
        if (previous.digest.equals(digest)) {
            return List.of();
        }
        List<String> reasons = new ArrayList<>();
        if (!Objects.equals(components.get(INSTRUCTION), previous.components.get(INSTRUCTION))) {
            reasons.add("instruction changed");
        }
        List<String> files = new ArrayList<>();
        TreeMap<String, String> all = new TreeMap<>(previous.components);
        all.putAll(components);
        for (String name : all.keySet()) {
            if (name.equals(INSTRUCTION) || name.equals(PARENT)) {
                continue;
            }
            String now = components.get(name);
            String before = previous.components.get(name);
            if (Objects.equals(now, before)) {
                continue;
            }
            if (name.startsWith("file:") || name.startsWith("file@")) {
                files.add(fileChange(name, before, now));
            } else {
                reasons.add(change(name, before, now));
            }
        }
        if (files.size() > MAX_FILES_LISTED) {
            int more = files.size() - MAX_FILES_LISTED;
            files = new ArrayList<>(files.subList(0, MAX_FILES_LISTED));
            files.add("and " + more + " more file" + (more == 1 ? "" : "s") + " changed");
        }
        reasons.addAll(files);
        String parent = components.get(PARENT);
        String previousParent = previous.components.get(PARENT);
        if (!Objects.equals(parent, previousParent)) {
            reasons.add(parent != null && parent.startsWith("sha256:") && previousParent != null
                    && previousParent.startsWith("sha256:") ? "the step above missed" : "the base changed");
        }
        if (reasons.isEmpty()) {
            reasons.add("the cache format changed");
        }
        return reasons;
    }

    private static String fileChange(String name, String before, String now) {
        String path;
        String from = "";
        if (name.startsWith("file:")) {
            path = name.substring(5);
        } else {
            int space = name.indexOf(' ');
            path = name.substring(space + 1);
            from = " (from " + name.substring(5, space) + ")";
        }
        String what = before == null ? "added" : now == null ? "removed" : "changed";
        return "file " + path + from + " " + what;
    }

    private static String change(String name, String before, String now) {
        int colon = name.indexOf(':');
        String kind = colon < 0 ? name : name.substring(0, colon);
        String label;
        switch (kind) {
            case "arg":
                label = "ARG " + name.substring(colon + 1);
                break;
            case "env":
                label = "ENV " + name.substring(colon + 1);
                break;
            case "mount":
                label = "mount " + name.substring(colon + 1);
                break;
            case "source-date-epoch":
                label = "SOURCE_DATE_EPOCH";
                break;
            default:
                label = name.toUpperCase(java.util.Locale.ROOT);
                break;
        }
        if (before == null) {
            return label + " set to " + shorten(now);
        }
        if (now == null) {
            return label + " no longer set (was " + shorten(before) + ")";
        }
        if (kind.equals("mount")) {
            return label + " changed";
        }
        return label + " changed from " + shorten(before) + " to " + shorten(now);
    }

    private static String shorten(String value) {
        String v = value.replace("\n", "\\n");
        return v.length() > 60 ? v.substring(0, 57) + "..." : v;
    }

    private static void update(MessageDigest md, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        md.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        md.update(bytes);
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }

    /** Collects a key's components; a name given twice keeps the last value. */
    static final class Builder {
        private final TreeMap<String, String> components = new TreeMap<>();

        Builder put(String name, String value) {
            components.put(name, value == null ? "<unset>" : value);
            return this;
        }

        Builder instruction(Instruction expanded) {
            return put(INSTRUCTION, canonical(expanded));
        }

        /** The variables in scope: declared ARGs as {@code arg:}, the rest of the environment as {@code env:}. */
        Builder variables(Map<String, String> env, Map<String, String> args) {
            for (Map.Entry<String, String> e : env.entrySet()) {
                put((args.containsKey(e.getKey()) ? "arg:" : "env:") + e.getKey(), e.getValue());
            }
            for (Map.Entry<String, String> a : args.entrySet()) {
                if (!env.containsKey(a.getKey())) {
                    put("arg:" + a.getKey(), a.getValue());
                }
            }
            return this;
        }

        /** A selection's files under {@code file:PATH}, or {@code file@FROM PATH} when {@code from} is not null. */
        Builder files(String from, Map<String, String> files) {
            String prefix = from == null ? "file:" : "file@" + from + " ";
            files.forEach((path, digest) -> components.put(prefix + path, digest));
            return this;
        }

        CacheKey build() {
            return CacheKey.of(components);
        }
    }
}
