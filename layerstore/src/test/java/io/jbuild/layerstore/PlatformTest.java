package io.jbuild.layerstore;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformTest {
    @Test
    void parse_withVariant_keepsAllParts() throws Exception {
        Platform p = Platform.parse("linux/arm64/v8");
        assertEquals("linux", p.os());
        assertEquals("arm64", p.architecture());
        assertEquals("v8", p.variant());
        assertEquals("linux/arm64/v8", p.toString());
    }

    @Test
    void normalize_x86_64_isAmd64() throws Exception {
        assertEquals("linux/amd64", Platform.parse("linux/x86_64").normalize().toString());
    }

    @Test
    void normalize_aarch64_isArm64V8() throws Exception {
        assertEquals("linux/arm64/v8", Platform.parse("linux/aarch64").normalize().toString());
    }

    @Test
    void matches_arm64WithoutVariant_matchesV8() throws Exception {
        assertTrue(Platform.parse("linux/arm64").matches(Platform.parse("linux/aarch64/v8")));
        assertFalse(Platform.parse("linux/arm64").matches(Platform.parse("linux/amd64")));
    }

    @Test
    void normalize_armDefault_isV7() throws Exception {
        assertEquals("linux/arm/v7", Platform.parse("linux/arm").normalize().toString());
        assertEquals("linux/arm/v6", Platform.parse("linux/armel").normalize().toString());
    }

    @Test
    void parse_oneComponent_rejected() {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> Platform.parse("linux"));
        assertTrue(e.getMessage().contains("os/arch"), e.getMessage());
    }

    @Test
    void parse_emptyComponent_rejected() {
        assertThrows(InvalidValueException.class, () -> Platform.parse("linux//v7"));
    }

    @Test
    void host_isNormalised() {
        Platform host = Platform.host();
        assertNotNull(host.os());
        assertEquals(host, host.normalize());
    }

    @Test
    void json_osVersionAndFeatures_useDottedNames() throws Exception {
        Platform p = new Platform("amd64", "windows", "10.0.17763", java.util.List.of("win32k"), null);
        String json = new String(Json.write(p), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.17763\",\"os.features\":[\"win32k\"]}", json);
        assertEquals(p, Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Platform.class));
    }
}
