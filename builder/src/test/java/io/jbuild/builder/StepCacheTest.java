package io.jbuild.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepCacheTest {
    @TempDir
    Path tmp;

    private static CacheKey key(String value) {
        return CacheKey.builder("p").put("instruction", value).build();
    }

    @Test
    void lookup_storedWithBlobPresent_returnsEntry() throws Exception {
        BlobStore store = BlobStore.open(tmp.resolve("store"));
        Descriptor layer = store.write(MediaType.OCI_LAYER_GZIP, "layer".getBytes(StandardCharsets.UTF_8));
        StepCache cache = new StepCache(store);
        CacheKey k = key("RUN make");
        cache.put(k, new StepCache.Entry(layer, Digest.of("diff".getBytes(StandardCharsets.UTF_8)), "RUN make",
                "2026-01-01T00:00:00Z"));
        Optional<StepCache.Entry> hit = cache.lookup(k.digest());
        assertTrue(hit.isPresent());
        assertEquals(layer.digest(), hit.get().layer().digest());
        assertEquals("RUN make", hit.get().createdBy());
        assertEquals(k, cache.components(k.digest()).orElseThrow());
    }

    @Test
    void lookup_blobMissing_misses() throws Exception {
        BlobStore store = BlobStore.open(tmp.resolve("store"));
        StepCache cache = new StepCache(store);
        CacheKey k = key("RUN make");
        Descriptor absent = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.of(new byte[] {1}), 1);
        cache.put(k, new StepCache.Entry(absent, Digest.of(new byte[] {2}), "RUN make", null));
        assertFalse(cache.lookup(k.digest()).isPresent());
        assertTrue(cache.read(k.digest()).isPresent());
    }

    @Test
    void lookup_noLayerEntry_hits() throws Exception {
        StepCache cache = new StepCache(BlobStore.open(tmp.resolve("store")));
        CacheKey k = key("RUN true");
        cache.put(k, new StepCache.Entry(null, null, "RUN true", null));
        assertFalse(cache.lookup(k.digest()).orElseThrow().hasLayer());
        assertFalse(cache.lookup(key("other").digest()).isPresent());
    }

    @Test
    void lookup_damagedEntry_misses() throws Exception {
        BlobStore store = BlobStore.open(tmp.resolve("store"));
        StepCache cache = new StepCache(store);
        CacheKey k = key("RUN true");
        cache.put(k, new StepCache.Entry(null, null, "RUN true", null));
        Files.writeString(store.cacheDir().resolve("steps").resolve(k.digest().encoded() + ".json"), "{garbage");
        assertFalse(cache.lookup(k.digest()).isPresent());
    }

    @Test
    void previous_rememberedKey_explainsNextMiss() throws Exception {
        StepCache cache = new StepCache(BlobStore.open(tmp.resolve("store")));
        CacheKey first = CacheKey.builder("p").put("arg:V", "1").build();
        cache.put(first, new StepCache.Entry(null, null, "RUN x", null));
        cache.remember("Dockerfile 0 2", first.digest());
        CacheKey second = CacheKey.builder("p").put("arg:V", "2").build();
        CacheKey previous = cache.previous("Dockerfile 0 2").orElseThrow();
        assertEquals(List.of("ARG V changed from 1 to 2"), second.explainMiss(previous));
        assertFalse(cache.previous("Dockerfile 0 3").isPresent());
    }

    @Test
    void prune_byAgeAndSize_removesLeastRecentlyUsed() throws Exception {
        BlobStore store = BlobStore.open(tmp.resolve("store"));
        StepCache cache = new StepCache(store);
        Instant now = Instant.now();
        CacheKey[] keys = new CacheKey[4];
        for (int i = 0; i < 4; i++) {
            byte[] bytes = new byte[100 * (i + 1)];
            bytes[0] = (byte) i;
            Descriptor layer = store.write(MediaType.OCI_LAYER_GZIP, bytes);
            keys[i] = key("step " + i);
            cache.put(keys[i], new StepCache.Entry(layer, Digest.of(bytes), "step " + i, null));
            Files.setLastModifiedTime(store.cacheDir().resolve("steps").resolve(keys[i].digest().encoded() + ".json"),
                    FileTime.from(now.minus(Duration.ofHours(10 - i))));
        }
        // step 0 is 10 h old: gone by age; then 200+300+400 = 900 > 750: step 1 (least recent) goes too
        CachePruneResult result = cache.prune(750, Duration.ofHours(9).plusMinutes(30), now);
        assertEquals(2, result.removed());
        assertEquals(2, result.kept());
        assertEquals(300, result.layerBytes());
        assertFalse(cache.read(keys[0].digest()).isPresent());
        assertFalse(cache.read(keys[1].digest()).isPresent());
        assertTrue(cache.read(keys[2].digest()).isPresent());
        assertTrue(cache.read(keys[3].digest()).isPresent());
    }

    @Test
    void prune_noLimits_keepsAll() throws Exception {
        StepCache cache = new StepCache(BlobStore.open(tmp.resolve("store")));
        cache.put(key("a"), new StepCache.Entry(null, null, "a", null));
        assertEquals(new CachePruneResult(0, 1, 0), cache.prune(-1, null, Instant.now()));
        assertEquals(Map.of("instruction", "a", "parent", "p"), cache.components(key("a").digest()).orElseThrow()
                .components());
    }
}
