package io.jbuild.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltImageTest {
    private static final Digest MANIFEST = Digest.of("manifest".getBytes(StandardCharsets.UTF_8));
    private static final Digest CONFIG = Digest.of("config".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private static BuiltImage image() {
        return new BuiltImage(MANIFEST, CONFIG, "application/vnd.oci.image.manifest.v1+json", 527,
                List.of("127.0.0.1:5000/app:1.0", "app:latest"), List.of());
    }

    @Test
    void write_digestFile_holdsDigestWithoutNewline() throws IOException {
        Path digestFile = dir.resolve("target/jbuild-image.digest");
        image().write(digestFile, null);
        assertEquals(MANIFEST.toString(), Files.readString(digestFile));
    }

    @Test
    void write_jsonFile_hasDigestTagsAndConfigDigest() throws IOException {
        Path json = dir.resolve("jbuild-image.json");
        image().write(null, json);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(MANIFEST.toString(), root.get("digest").asText());
        assertEquals(CONFIG.toString(), root.get("configDigest").asText());
        assertEquals("127.0.0.1:5000/app:1.0", root.get("tags").get(0).asText());
        assertEquals(2, root.get("tags").size());
        assertEquals(527, root.get("size").asLong());
        assertTrue(root.get("pushed").isArray());
    }

    @Test
    void read_writtenFile_roundTrips() throws IOException {
        Path json = dir.resolve("jbuild-image.json");
        BuiltImage image = image().withPushed("127.0.0.1:5000/app:1.0@" + MANIFEST);
        image.write(null, json);
        assertEquals(image, BuiltImage.read(json));
        assertTrue(Files.list(dir).allMatch(p -> p.getFileName().toString().equals("jbuild-image.json")),
                "no temporary file is left behind");
    }

    @Test
    void withPushed_sameReferenceTwice_isListedOnce() {
        BuiltImage image = image().withPushed("a@" + MANIFEST).withPushed("a@" + MANIFEST);
        assertEquals(List.of("a@" + MANIFEST), image.pushed());
    }

    @Test
    void read_withoutDigest_failsNamingTheFile() throws IOException {
        Path json = dir.resolve("bad.json");
        Files.writeString(json, "{\"tags\":[]}");
        IOException e = assertThrows(IOException.class, () -> BuiltImage.read(json));
        assertTrue(e.getMessage().startsWith("read image metadata " + json + ": "), e.getMessage());
    }
}
