package io.jbuild.cli;

import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.ImageIndex;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.Manifest;
import java.nio.charset.StandardCharsets;

/**
 * Readies the JSON mapper on a second core while the command line and the Dockerfile are parsed:
 * the mapper's first documents cost a tenth of a second or more to introspect, and a build that
 * comes entirely from the cache is mostly that.
 */
final class JsonWarmup {
    private static final String CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=b\"]},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"history\":[{\"created\":\"1970-01-01T00:00:00Z\"}]}";
    private static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
            + "0".repeat(64) + "\",\"size\":2},\"layers\":[]}";
    private static final String INDEX = "{\"schemaVersion\":2,\"manifests\":[]}";

    private JsonWarmup() {
    }

    /** Starts the warm-up on a daemon thread; failures are ignored (the real documents report theirs). */
    static void start() {
        Thread t = new Thread(() -> {
            try {
                ImageConfig config = Json.read(CONFIG.getBytes(StandardCharsets.UTF_8), ImageConfig.class);
                Json.read(MANIFEST.getBytes(StandardCharsets.UTF_8), Manifest.class);
                Json.read(INDEX.getBytes(StandardCharsets.UTF_8), ImageIndex.class);
                Json.write(config);
            } catch (Exception | LinkageError ignored) {
                // only a head start
            }
        }, "jbuild-json-warmup");
        t.setDaemon(true);
        t.start();
    }
}
