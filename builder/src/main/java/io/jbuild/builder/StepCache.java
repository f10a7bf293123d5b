package io.jbuild.builder;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.InvalidDocumentException;
import io.jbuild.layerstore.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The persistent step cache under the store's {@code cache/steps/}: cache key → the step's result
 * (its layer, or none, and its history entry). Each entry is one small JSON file, written to a
 * temporary file and renamed; its modification time is its last use. A key's components are kept
 * beside it ({@code <hex>.key}, one {@code name TAB value} line each) and the last key of each step of a Dockerfile under
 * {@code last/}, so a miss can be explained. Metadata instructions are not stored: their config
 * change is recomputed from the instruction, exactly and cheaply.
 */
final class StepCache {
    private static final String ENTRY = ".json";
    private static final String KEY = ".key";

    private final BlobStore store;
    private final Path dir;

    StepCache(BlobStore store) {
        this.store = Objects.requireNonNull(store, "store");
        this.dir = store.cacheDir().resolve("steps");
    }

    /**
     * A step's cached result.
     *
     * @param layer the layer blob, null when the step changed no file
     * @param diffId the layer's diff id, null exactly when {@code layer} is
     * @param createdBy the history entry's {@code created_by}
     * @param created the history entry's {@code created} time of the build that ran the step
     */
    record Entry(Descriptor layer, Digest diffId, String createdBy, String created) {
        Entry {
            if ((layer == null) != (diffId == null)) {
                throw new IllegalArgumentException("a cache entry needs both a layer and its diff id, or neither");
            }
            Objects.requireNonNull(createdBy, "createdBy");
        }

        boolean hasLayer() {
            return layer != null;
        }
    }

    /** The entry for {@code key} when its layer blob is in the store (its use is recorded for pruning). */
    Optional<Entry> lookup(Digest key) {
        return lookup(key, store::contains);
    }

    /** The entry for {@code key} when {@code available} says its layer blob can be had. */
    Optional<Entry> lookup(Digest key, java.util.function.Predicate<Digest> available) {
        Optional<Entry> entry = read(key);
        if (entry.isEmpty() || (entry.get().hasLayer() && !available.test(entry.get().layer().digest()))) {
            return Optional.empty();
        }
        try {
            Files.setLastModifiedTime(entryFile(key), FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // the use time only orders pruning
        }
        return entry;
    }

    /** The entry for {@code key} whether or not its layer blob is present (a remote cache may supply it). */
    Optional<Entry> read(Digest key) {
        try {
            return Optional.of(Json.read(Files.readAllBytes(entryFile(key)), Entry.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | InvalidDocumentException e) {
            return Optional.empty(); // a damaged entry is a miss
        }
    }

    /** Stores the result of the step with {@code key}, and the key's components. */
    void put(CacheKey key, Entry entry) throws IOException {
        Files.createDirectories(dir);
        write(keyFile(key.digest()), encode(key.components()), true);
        write(entryFile(key.digest()), Json.write(entry), true);
    }

    /** The components of a stored key, for explaining misses. */
    Optional<CacheKey> components(Digest key) {
        try {
            CacheKey k = CacheKey.of(decode(Files.readAllBytes(keyFile(key))));
            return k.digest().equals(key) ? Optional.of(k) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Records {@code key} as the latest key of the step {@code step} (e.g. Dockerfile path, stage, index). */
    void remember(String step, Digest key) throws IOException {
        Path last = dir.resolve("last");
        Path file = last.resolve(id(step));
        byte[] bytes = key.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
                return;
            }
        } catch (IOException absent) {
            Files.createDirectories(last);
        }
        write(file, bytes, false); // losing it loses only an explanation: no fsync
    }

    /** The key {@code step} had when it last ran (or hit), with its components. */
    Optional<CacheKey> previous(String step) {
        try {
            String text = Files.readString(dir.resolve("last").resolve(id(step))).strip();
            return components(Digest.fromString(text));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The layer blobs and diff ids the entries hold (garbage collection keeps them). */
    java.util.Set<Digest> roots() throws IOException {
        java.util.Set<Digest> out = new HashSet<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + ENTRY)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Optional<Entry> e = read(Digest.sha256(name.substring(0, name.length() - ENTRY.length())));
                if (e.isPresent() && e.get().hasLayer()) {
                    out.add(e.get().layer().digest());
                    out.add(e.get().diffId());
                }
            }
        }
        return out;
    }

    /**
     * Removes entries unused for longer than {@code maxAge} (null: no age limit), then the least
     * recently used ones until the layers the remaining entries hold total at most
     * {@code keepBytes} (negative: no size limit). The layer blobs themselves are left to the
     * store's garbage collection. Returns what was removed.
     */
    CachePruneResult prune(long keepBytes, Duration maxAge, Instant now) throws IOException {
        List<Stored> entries = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + ENTRY)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(KEY)) {
                        continue;
                    }
                    Digest key = Digest.sha256(name.substring(0, name.length() - ENTRY.length()));
                    Optional<Entry> e = read(key);
                    long size = e.isPresent() && e.get().hasLayer() ? e.get().layer().size() : 0;
                    String layer = e.isPresent() && e.get().hasLayer() ? e.get().layer().digest().toString() : null;
                    entries.add(new Stored(key, Files.getLastModifiedTime(f).toInstant(), layer, size));
                }
            }
        }
        entries.sort(Comparator.comparing(Stored::used));
        List<Stored> removed = new ArrayList<>();
        List<Stored> kept = new ArrayList<>();
        for (Stored s : entries) {
            if (maxAge != null && s.used().isBefore(now.minus(maxAge))) {
                removed.add(s);
            } else {
                kept.add(s);
            }
        }
        if (keepBytes >= 0) {
            Map<String, Integer> holders = new HashMap<>();
            long total = 0;
            for (Stored s : kept) {
                if (s.layer() != null && holders.merge(s.layer(), 1, Integer::sum) == 1) {
                    total += s.size();
                }
            }
            while (total > keepBytes && !kept.isEmpty()) {
                Stored s = kept.remove(0);
                removed.add(s);
                if (s.layer() != null && holders.merge(s.layer(), -1, Integer::sum) == 0) {
                    total -= s.size();
                }
            }
        }
        Set<String> keptLayers = new HashSet<>();
        for (Stored s : kept) {
            if (s.layer() != null) {
                keptLayers.add(s.layer());
            }
        }
        long freed = 0;
        Set<String> counted = new HashSet<>();
        for (Stored s : removed) {
            Files.deleteIfExists(entryFile(s.key()));
            Files.deleteIfExists(keyFile(s.key()));
            if (s.layer() != null && !keptLayers.contains(s.layer()) && counted.add(s.layer())) {
                freed += s.size();
            }
        }
        return new CachePruneResult(removed.size(), kept.size(), freed);
    }

    private record Stored(Digest key, Instant used, String layer, long size) {
    }

    /** A key's components as text: one {@code name TAB value} line each, with {@code \\}, tab and newline escaped. */
    static byte[] encode(Map<String, String> components) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(components).entrySet()) {
            escape(b, e.getKey());
            b.append('\t');
            escape(b, e.getValue());
            b.append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> decode(byte[] bytes) {
        Map<String, String> out = new TreeMap<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException("bad key component line");
            }
            out.put(unescape(line.substring(0, tab)), unescape(line.substring(tab + 1)));
        }
        return out;
    }

    private static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\':
                    b.append("\\\\");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                default:
                    b.append(c);
            }
        }
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private Path entryFile(Digest key) {
        return dir.resolve(key.encoded() + ENTRY);
    }

    private Path keyFile(Digest key) {
        return dir.resolve(key.encoded() + KEY);
    }

    private static String id(String step) {
        return Digest.of(step.getBytes(StandardCharsets.UTF_8)).encoded();
    }

    /** Writes {@code bytes} to a temporary file beside {@code target} and renames it into place. */
    private static void write(Path target, byte[] bytes, boolean sync) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        try {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (sync) {
                    ch.force(true);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
