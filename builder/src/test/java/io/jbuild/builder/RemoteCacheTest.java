package io.jbuild.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteCacheTest {
    @TempDir
    Path tmp;

    @Test
    void exportLocal_importOnFreshStore_entriesWithoutBlobsUntilFetched() throws Exception {
        BlobStore build = BlobStore.open(tmp.resolve("a"));
        Descriptor layer = build.write(MediaType.OCI_LAYER_GZIP, "layer one".getBytes(StandardCharsets.UTF_8));
        Digest k1 = CacheKey.builder("p").put("instruction", "RUN a").build().digest();
        Digest k2 = CacheKey.builder("p").put("instruction", "RUN b").build().digest();
        List<RemoteCache.Record> records = List.of(
                new RemoteCache.Record(k1, new StepCache.Entry(layer, Digest.of(new byte[] {1}), "RUN a", "t")),
                new RemoteCache.Record(k2, new StepCache.Entry(null, null, "RUN b", "t")));
        RemoteCache.export(CacheSpec.parse("type=local,dest=" + tmp.resolve("cache"), true), records, build, null);

        BlobStore fresh = BlobStore.open(tmp.resolve("b"));
        List<String> warnings = new ArrayList<>();
        RemoteCache imported = RemoteCache.load(List.of(CacheSpec.parse("type=local,src=" + tmp.resolve("cache"), false)),
                fresh, null, warnings::add);
        assertEquals(List.of(), warnings);
        assertEquals(2, imported.size());
        assertEquals("RUN a", imported.lookup(k1).orElseThrow().createdBy());
        assertFalse(imported.lookup(k2).orElseThrow().hasLayer());
        assertFalse(fresh.contains(layer.digest()));
        assertTrue(imported.canFetch(layer.digest()));
        imported.fetch(layer);
        assertTrue(fresh.contains(layer.digest()));
    }

    @Test
    void load_missingSource_warnsAndGoesOn() {
        List<String> warnings = new ArrayList<>();
        RemoteCache cache = RemoteCache.load(List.of(CacheSpec.parse("type=local,src=" + tmp.resolve("absent"), false)),
                openQuietly(tmp.resolve("s")), null, warnings::add);
        assertTrue(cache.isEmpty());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("import cache "), warnings.get(0));
    }

    @Test
    void fetch_unknownBlob_fails() throws Exception {
        RemoteCache cache = RemoteCache.empty(BlobStore.open(tmp.resolve("s")));
        assertThrows(BuildException.class,
                () -> cache.fetch(Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.of(new byte[] {9}), 1)));
    }

    @Test
    void parse_forms_typesAndAttributes() {
        CacheSpec bare = CacheSpec.parse("reg.example/app:cache", false);
        assertEquals("registry", bare.type());
        assertEquals("reg.example/app:cache", bare.attribute("ref"));
        CacheSpec max = CacheSpec.parse("type=registry,ref=r/a:c,mode=max", true);
        assertTrue(max.maxMode());
        assertFalse(CacheSpec.parse("type=local,dest=/tmp/c", true).maxMode());
        assertThrows(IllegalArgumentException.class, () -> CacheSpec.parse("type=local,dest=/x", false));
        assertThrows(IllegalArgumentException.class, () -> CacheSpec.parse("type=gha", true));
        assertThrows(IllegalArgumentException.class, () -> CacheSpec.parse("type=registry,ref=a,mode=all", true));
    }

    private static BlobStore openQuietly(Path p) {
        try {
            return BlobStore.open(p);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A cache in {@code tmp/cache} holding one mount {@code dl} (a file pkg), imported into a fresh store. */
    private RemoteCache importedMount(BlobStore fresh) throws Exception {
        BlobStore build = BlobStore.open(tmp.resolve("a"));
        Path content = tmp.resolve("content");
        java.nio.file.Files.createDirectories(content);
        java.nio.file.Files.writeString(content.resolve("pkg"), "fetched\n");
        io.jbuild.layerstore.Layer layer = new io.jbuild.layerstore.LayerWriter(
                io.jbuild.layerstore.LayerWriter.Options.defaults().withSourceDateEpoch(0L)).write(content, build);
        RemoteCache.export(CacheSpec.parse("type=local,dest=" + tmp.resolve("cache") + ",cache-mounts=true", true),
                List.of(), List.of(new RemoteCache.MountRecord("dl", 1000, 1001, 0750, layer.descriptor())), build, null);
        return RemoteCache.load(List.of(CacheSpec.parse("type=local,src=" + tmp.resolve("cache"), false)),
                fresh, null, w -> { throw new AssertionError(w); });
    }

    @Test
    void restoreMount_absentDir_extractedWithOwnerAndMode() throws Exception {
        BlobStore fresh = BlobStore.open(tmp.resolve("b"));
        RemoteCache cache = importedMount(fresh);
        Path dir = tmp.resolve("mounts/dl");
        java.nio.file.Files.createDirectories(dir.getParent());
        assertTrue(cache.restoreMount("dl", dir));
        assertEquals("fetched\n", java.nio.file.Files.readString(dir.resolve("pkg")));
        assertEquals(1000, java.nio.file.Files.getAttribute(dir, "unix:uid"));
        assertEquals(1001, java.nio.file.Files.getAttribute(dir, "unix:gid"));
        assertEquals(0750, ((Integer) java.nio.file.Files.getAttribute(dir, "unix:mode")) & 07777);
        assertFalse(cache.restoreMount("other", tmp.resolve("mounts/other")));
    }

    @Test
    void restoreMount_existingDir_keptAsItIs() throws Exception {
        BlobStore fresh = BlobStore.open(tmp.resolve("b"));
        RemoteCache cache = importedMount(fresh);
        Path dir = tmp.resolve("mounts/dl");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve("mine"), "local");
        assertTrue(cache.restoreMount("dl", dir));
        assertFalse(java.nio.file.Files.exists(dir.resolve("pkg")));
        assertEquals("local", java.nio.file.Files.readString(dir.resolve("mine")));
    }

    @Test
    void read_documentWithoutMounts_noMounts() throws Exception {
        RemoteCache.Document doc = io.jbuild.layerstore.Json.read("{\"entries\":[]}".getBytes(StandardCharsets.UTF_8),
                RemoteCache.Document.class);
        assertEquals(List.of(), doc.mounts());
    }

    @Test
    void parse_cacheMounts_trueOrFalseOnly() {
        assertTrue(CacheSpec.parse("type=local,dest=/d,cache-mounts=true", true).cacheMounts());
        assertFalse(CacheSpec.parse("type=local,dest=/d", true).cacheMounts());
        assertThrows(IllegalArgumentException.class, () -> CacheSpec.parse("type=local,dest=/d,cache-mounts=yes", true));
    }
}
