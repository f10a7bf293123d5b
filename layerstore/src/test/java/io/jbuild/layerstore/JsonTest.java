package io.jbuild.layerstore;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    private static final Digest D = Digest.of(new byte[0]);

    @Test
    void write_manifest_specOrderNoEmptiesNoWhitespace() {
        Manifest m = Manifest.of(Descriptor.of(MediaType.OCI_CONFIG, D, 2), List.of());
        String json = new String(Json.write(m), StandardCharsets.UTF_8);
        assertEquals("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + D
                + "\",\"size\":2},\"layers\":[]}", json);
    }

    @Test
    void write_config_setsAsObjectsAndEnvKept() throws Exception {
        ImageConfig.ContainerConfig cc = new ImageConfig.ContainerConfig("app", new TreeSet<>(List.of("80/tcp")),
                List.of("A=1"), null, List.of("sh"), null, "/w", Map.of("b", "2", "a", "1"), null, true,
                null, null, null);
        ImageConfig c = ImageConfig.scratch(Platform.of("linux", "amd64", null)).withConfig(cc);
        String json = new String(Json.write(c), StandardCharsets.UTF_8);
        assertEquals("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"app\","
                + "\"ExposedPorts\":{\"80/tcp\":{}},\"Env\":[\"A=1\"],\"Cmd\":[\"sh\"],\"WorkingDir\":\"/w\","
                + "\"Labels\":{\"a\":\"1\",\"b\":\"2\"},\"ArgsEscaped\":true},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", json);
        assertEquals(c, Json.read(json.getBytes(StandardCharsets.UTF_8), ImageConfig.class));
    }

    @Test
    void read_numberAsString_rejected() {
        byte[] bad = ("{\"mediaType\":\"a/b\",\"digest\":\"" + D + "\",\"size\":\"2\"}").getBytes(StandardCharsets.UTF_8);
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class, () -> Json.read(bad, Descriptor.class));
        assertTrue(e.getMessage().startsWith("parse Descriptor: "), e.getMessage());
    }

    @Test
    void read_duplicateKey_rejected() {
        byte[] bad = ("{\"mediaType\":\"a/b\",\"mediaType\":\"a/c\",\"digest\":\"" + D + "\",\"size\":2}")
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(InvalidDocumentException.class, () -> Json.read(bad, Descriptor.class));
    }

    @Test
    void read_healthcheckAndShell_parsed() throws Exception {
        String json = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Interval\":30000000000,\"Retries\":3},"
                + "\"OnBuild\":[\"RUN x\"],\"Shell\":[\"/bin/bash\",\"-c\"],\"StopSignal\":\"SIGTERM\"},"
                + "\"history\":[{\"created_by\":\"x\",\"empty_layer\":true}]}";
        ImageConfig c = Json.read(json.getBytes(StandardCharsets.UTF_8), ImageConfig.class);
        assertEquals(30_000_000_000L, c.config().healthcheck().interval());
        assertEquals(3, c.config().healthcheck().retries());
        assertEquals(List.of("/bin/bash", "-c"), c.config().shell());
        assertTrue(c.history().get(0).isEmptyLayer());
        assertEquals("SIGTERM", c.config().stopSignal());
    }

    @Test
    void stored_ofValue_digestsSerialisedBytes() {
        Manifest m = Manifest.of(Descriptor.of(MediaType.OCI_CONFIG, D, 2), List.of());
        Stored<Manifest> s = Stored.of(m);
        assertEquals(Digest.of(Json.write(m)), s.digest());
        assertEquals(s.size(), s.descriptor(MediaType.OCI_MANIFEST).size());
    }
}
