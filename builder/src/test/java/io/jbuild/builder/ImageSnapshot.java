package io.jbuild.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.Whiteouts;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * A text snapshot of an image for golden tests: the config fields a Dockerfile controls and the
 * flattened file system (layers merged in order, OCI whiteouts and opaque dirs honoured), one line
 * per path. {@link #render(ImageSnapshot)} leaves out what is the same as in a base image and lists
 * what the image removed from it; testdata/README.md defines the format.
 *
 * <p>The file system is merged from the tar entries, not extracted, so it needs no privileges and
 * sees the recorded owners, modes and device numbers exactly.
 */
public record ImageSnapshot(Map<String, String> header, SortedMap<String, String> files, List<String> diffIds) {
    /** The first line of every snapshot. */
    public static final String FORMAT = "# jbuild image snapshot v1";

    /** The image config fields a snapshot shows, in this order, as {@code config.NAME=JSON}. */
    public static final List<String> CONFIG_FIELDS = List.of("User", "ExposedPorts", "Env", "Entrypoint", "Cmd",
            "Volumes", "WorkingDir", "Labels", "StopSignal", "Healthcheck", "OnBuild", "Shell");

    /** Labels a builder adds about itself, which no Dockerfile asked for. */
    public static final List<String> BUILDER_LABELS = List.of("io.buildah.version");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REF_NAME = "org.opencontainers.image.ref.name";

    public ImageSnapshot {
        header = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(header));
        files = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(files));
        diffIds = List.copyOf(diffIds);
    }

    /** True when this image's layers start with all of {@code base}'s layers (it was built FROM base). */
    public boolean isBasedOn(ImageSnapshot base) {
        return diffIds.size() >= base.diffIds.size() && diffIds.subList(0, base.diffIds.size()).equals(base.diffIds);
    }

    /** Reads blobs by digest. */
    private interface Blobs {
        InputStream open(String digest) throws IOException;
    }

    /** The image tagged {@code tag} ({@code org.opencontainers.image.ref.name}) in an OCI image layout directory. */
    public static ImageSnapshot load(Path layout, String tag) throws IOException {
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        Blobs blobs = digest -> {
            Digest d = Digest.fromString(digest);
            return Files.newInputStream(layout.resolve("blobs").resolve(d.algorithm()).resolve(d.encoded()));
        };
        JsonNode chosen = null;
        List<String> names = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            String name = m.path("annotations").path(REF_NAME).asText("");
            names.add(name);
            if (name.equals(tag) || (tag == null && chosen == null)) {
                chosen = m;
            }
        }
        if (chosen == null) {
            throw new IOException("snapshot " + layout + ": no manifest tagged \"" + tag + "\" in index.json (tags: "
                    + names + ")");
        }
        return load(blobs, chosen.path("digest").asText());
    }

    /** The image of {@code manifest} (a manifest or an index) in a store. */
    public static ImageSnapshot load(BlobStore store, Descriptor manifest) throws IOException {
        Blobs blobs = digest -> {
            try {
                return store.open(Digest.fromString(digest));
            } catch (io.jbuild.layerstore.StoreException e) {
                throw new IOException(e.getMessage(), e);
            }
        };
        return load(blobs, manifest.digest().toString());
    }

    private static JsonNode readJson(Blobs blobs, String digest) throws IOException {
        try (InputStream in = blobs.open(digest)) {
            return JSON.readTree(in);
        }
    }

    private static ImageSnapshot load(Blobs blobs, String manifestDigest) throws IOException {
        JsonNode manifest = readJson(blobs, manifestDigest);
        if (manifest.has("manifests")) { // an index: the linux/amd64 image, else the first
            JsonNode pick = manifest.path("manifests").path(0);
            for (JsonNode m : manifest.path("manifests")) {
                if ("amd64".equals(m.path("platform").path("architecture").asText())) {
                    pick = m;
                    break;
                }
            }
            manifest = readJson(blobs, pick.path("digest").asText());
        }
        JsonNode config = readJson(blobs, manifest.path("config").path("digest").asText());
        Map<String, String> header = new LinkedHashMap<>();
        header.put("platform", config.path("os").asText() + "/" + config.path("architecture").asText()
                + (config.hasNonNull("variant") ? "/" + config.path("variant").asText() : ""));
        JsonNode c = config.path("config");
        for (String field : CONFIG_FIELDS) {
            header.put("config." + field, canonical(normalise(field, c.get(field))));
        }
        int layerCount = manifest.path("layers").size();
        int history = 0;
        int empty = 0;
        for (JsonNode h : config.path("history")) {
            history++;
            if (h.path("empty_layer").asBoolean(false)) {
                empty++;
            }
        }
        header.put("layers", Integer.toString(layerCount));
        header.put("history", history + " entries, " + empty + " empty_layer");

        FileTree tree = new FileTree();
        for (JsonNode layer : manifest.path("layers")) {
            try (InputStream raw = blobs.open(layer.path("digest").asText())) {
                tree.apply(decompress(raw), layer.path("digest").asText());
            }
        }
        List<String> diffIds = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        return new ImageSnapshot(header, tree.render(), diffIds);
    }

    /** The whole snapshot: header and every file. */
    public String render() {
        return render(null);
    }

    /**
     * The snapshot with the files of {@code base} left out where this image has them unchanged (the
     * same line); base paths this image does not have are listed as {@code -/path}. When the image
     * is not {@linkplain #isBasedOn based on} {@code base} (FROM scratch), every file is listed.
     */
    public String render(ImageSnapshot base) {
        if (base != null && !isBasedOn(base)) {
            base = null;
        }
        StringBuilder out = new StringBuilder(FORMAT).append('\n');
        header.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        out.append(base == null ? "files:\n" : "files (changed from the base):\n");
        TreeSet<String> paths = new TreeSet<>(files.keySet());
        if (base != null) {
            paths.addAll(base.files.keySet());
        }
        for (String path : paths) {
            String line = files.get(path);
            String baseLine = base == null ? null : base.files.get(path);
            if (line == null) {
                out.append('-').append(path).append('\n');
            } else if (!line.equals(baseLine)) {
                out.append(path).append(' ').append(line).append('\n');
            }
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ config

    private static JsonNode normalise(String field, JsonNode value) {
        if (value == null || value.isNull() || isEmpty(value)) {
            return null;
        }
        if (field.equals("Labels") && value.isObject()) {
            ObjectNode copy = ((ObjectNode) value).deepCopy();
            BUILDER_LABELS.forEach(copy::remove);
            return copy.isEmpty() ? null : copy;
        }
        if (field.equals("Healthcheck") && value.isObject()) { // zero durations and counts mean "default"
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            value.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (!(v.isNull() || (v.isNumber() && v.asLong() == 0))) {
                    copy.set(e.getKey(), v);
                }
            });
            return copy;
        }
        return value;
    }

    private static boolean isEmpty(JsonNode value) {
        return (value.isTextual() && value.asText().isEmpty()) || (value.isContainerNode() && value.isEmpty());
    }

    /** Compact JSON with object keys sorted; {@code null} for an absent value. */
    static String canonical(JsonNode value) {
        if (value == null) {
            return "null";
        }
        try {
            return JSON.writeValueAsString(sorted(value));
        } catch (IOException e) {
            throw new IllegalStateException("render JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode sorted(JsonNode value) {
        if (value.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            value.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
            fields.forEach((k, v) -> out.set(k, sorted(v)));
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            value.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return value;
    }

    // ------------------------------------------------------------------ layers

    private static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(4);
        int b0 = in.read();
        int b1 = in.read();
        int b2 = in.read();
        int b3 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (b0 == 0x28 && b1 == 0xb5 && b2 == 0x2f && b3 == 0xfd) {
            throw new IOException("snapshot: zstd layers are not supported by ImageSnapshot");
        }
        return in;
    }

    /** A file's content and attributes, shared by the paths hard-linked to it. */
    private static final class Node {
        final char type;
        final int mode;
        final long uid;
        final long gid;
        final long size;
        final String digest;
        final String link;

        Node(char type, int mode, long uid, long gid, long size, String digest, String link) {
            this.type = type;
            this.mode = mode;
            this.uid = uid;
            this.gid = gid;
            this.size = size;
            this.digest = digest;
            this.link = link;
        }
    }

    /** The merged file system: path ("/a/b") to node. */
    private static final class FileTree {
        private final TreeMap<String, Node> paths = new TreeMap<>();

        void apply(InputStream layer, String digest) throws IOException {
            List<String> whiteouts = new ArrayList<>();
            List<String> opaque = new ArrayList<>();
            List<Object[]> entries = new ArrayList<>(); // {path, Node or hardlink target String}
            TarArchiveInputStream tar = new TarArchiveInputStream(layer, StandardCharsets.UTF_8.name());
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String path = normalisePath(e.getName());
                if (path.equals("/")) {
                    continue;
                }
                String name = path.substring(path.lastIndexOf('/') + 1);
                String parent = path.substring(0, path.lastIndexOf('/'));
                if (Whiteouts.isOpaqueMarker(name)) {
                    opaque.add(parent.isEmpty() ? "/" : parent);
                    continue;
                }
                java.util.Optional<String> deleted = Whiteouts.deletedName(name);
                if (deleted.isPresent()) {
                    whiteouts.add(parent + "/" + deleted.get());
                    continue;
                }
                int mode = e.getMode() & 07777;
                if (e.isLink()) {
                    entries.add(new Object[] {path, normalisePath(e.getLinkName())});
                } else if (e.isSymbolicLink()) {
                    entries.add(new Object[] {path, new Node('l', mode, e.getLongUserId(), e.getLongGroupId(), 0, null,
                            e.getLinkName())});
                } else if (e.isDirectory()) {
                    entries.add(new Object[] {path, new Node('d', mode, e.getLongUserId(), e.getLongGroupId(), 0, null,
                            null)});
                } else if (e.isCharacterDevice() || e.isBlockDevice()) {
                    entries.add(new Object[] {path, new Node(e.isCharacterDevice() ? 'c' : 'b', mode, e.getLongUserId(),
                            e.getLongGroupId(), 0, null, e.getDevMajor() + "," + e.getDevMinor())});
                } else if (e.isFIFO()) {
                    entries.add(new Object[] {path, new Node('p', mode, e.getLongUserId(), e.getLongGroupId(), 0, null,
                            null)});
                } else if (e.isFile()) {
                    MessageDigest sha = sha256();
                    byte[] buf = new byte[1 << 16];
                    long size = 0;
                    int n;
                    while ((n = tar.read(buf)) > 0) {
                        sha.update(buf, 0, n);
                        size += n;
                    }
                    entries.add(new Object[] {path, new Node('f', mode, e.getLongUserId(), e.getLongGroupId(), size,
                            "sha256:" + hex(sha.digest()), null)});
                } else {
                    throw new IOException("snapshot layer " + digest + ": unsupported tar entry type for " + path);
                }
            }
            // whiteouts and opaque markers apply to the layers below only
            for (String w : whiteouts) {
                removeTree(w, true);
            }
            for (String o : opaque) {
                removeTree(o, false);
            }
            for (Object[] entry : entries) {
                String path = (String) entry[0];
                Node node;
                if (entry[1] instanceof String target) {
                    node = paths.get(target);
                    if (node == null) {
                        throw new IOException("snapshot layer " + digest + ": hard link " + path + " to missing " + target);
                    }
                } else {
                    node = (Node) entry[1];
                }
                Node old = paths.get(path);
                if (old != null && !(old.type == 'd' && node.type == 'd')) {
                    removeTree(path, false);
                }
                paths.put(path, node);
            }
        }

        /** Removes everything below {@code path}, and {@code path} itself when {@code self}. */
        private void removeTree(String path, boolean self) {
            if (self) {
                paths.remove(path);
            }
            String prefix = path.equals("/") ? "/" : path + "/";
            Iterator<String> it = paths.tailMap(prefix, true).keySet().iterator();
            while (it.hasNext()) {
                if (!it.next().startsWith(prefix)) {
                    break;
                }
                it.remove();
            }
        }

        SortedMap<String, String> render() {
            Map<Node, List<String>> groups = new IdentityHashMap<>();
            paths.forEach((p, n) -> groups.computeIfAbsent(n, k -> new ArrayList<>()).add(p));
            SortedMap<String, String> out = new TreeMap<>();
            paths.forEach((p, n) -> {
                List<String> group = groups.get(n);
                String first = group.get(0); // paths iterate sorted, so the group's smallest path
                char type = n.type;
                String link;
                if (type == 'f' && group.size() > 1 && !first.equals(p)) {
                    type = 'h';
                    link = escape(first);
                } else {
                    link = n.link == null ? "-" : escape(n.link);
                }
                String size = (n.type == 'f') ? Long.toString(n.size) : "-";
                String digest = n.digest == null ? "-" : n.digest;
                out.put(escape(p), type + " " + String.format("%04o", n.mode) + " " + n.uid + ":" + n.gid + " "
                        + size + " " + digest + " " + link);
            });
            return out;
        }
    }

    static String normalisePath(String name) {
        String p = name;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.equals(".")) {
            p = "";
        }
        p = p.replaceAll("/+", "/");
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.startsWith("/") ? (p.isEmpty() ? "/" : p) : "/" + p;
    }

    /** Backslash, whitespace and control characters as {@code \xHH}, so that a line splits on spaces. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            if (ch <= 0x20 || ch == 0x7f || ch == '\\') {
                b.append(String.format("\\x%02x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }
}
