package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.layerstore.BlobStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune --cache} options: sizes as Docker writes them, the until filter, and an empty cache. */
class CachePruneOptionsTest {
    @TempDir
    Path temp;

    @Test
    void parseSize_unitsAsDocker_bytes() throws Exception {
        assertEquals(512, CachePruneOptions.parseSize("512"));
        assertEquals(512, CachePruneOptions.parseSize("512b"));
        assertEquals(10 * 1024, CachePruneOptions.parseSize("10k"));
        assertEquals(512L << 20, CachePruneOptions.parseSize("512mb"));
        assertEquals(10L << 30, CachePruneOptions.parseSize("10GB"));
        assertEquals((long) (1.5 * (1L << 30)), CachePruneOptions.parseSize("1.5g"));
        assertThrows(CommandException.class, () -> CachePruneOptions.parseSize("lots"));
        assertThrows(CommandException.class, () -> CachePruneOptions.parseSize("10 parsecs"));
    }

    @Test
    void prune_emptyCacheWithUntil_reportsNothingRemoved() throws Exception {
        CachePruneOptions options = new CachePruneOptions();
        options.cache = true;
        options.filters = List.of("until=24h");
        StringWriter out = new StringWriter();
        options.prune(BlobStore.open(temp.resolve("store")), new PrintWriter(out));
        assertTrue(out.toString().startsWith("Deleted 0 build cache entries, kept 0"), out.toString());
    }

    @Test
    void prune_badFilter_fails() throws Exception {
        CachePruneOptions options = new CachePruneOptions();
        options.filters = List.of("label=x");
        assertThrows(CommandException.class,
                () -> options.prune(BlobStore.open(temp.resolve("store")), new PrintWriter(new StringWriter())));
        assertTrue(Files.isDirectory(temp.resolve("store")));
    }
}
