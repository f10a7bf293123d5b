package io.jbuild.layerstore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageReferenceTest {
    private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "busybox:1.36, docker.io/library/busybox:1.36",
            "library/busybox, docker.io/library/busybox:latest",
            "docker.io/busybox, docker.io/library/busybox:latest",
            "index.docker.io/library/busybox, docker.io/library/busybox:latest",
            "user/app, docker.io/user/app:latest",
            "ghcr.io/o/r/s:v1, ghcr.io/o/r/s:v1",
            "localhost/app, localhost/app:latest",
            "localhost:5000/a/b:t, localhost:5000/a/b:t",
            "[::1]:5000/app, [::1]:5000/app:latest",
    })
    void parse_valid_normalises(String input, String expected) throws Exception {
        assertEquals(expected, ImageReference.parse(input).toString());
    }

    @Test
    void parse_digestOnly_hasNoTag() throws Exception {
        ImageReference r = ImageReference.parse("localhost:5000/a/b@sha256:" + HEX);
        assertEquals("localhost:5000", r.registry());
        assertEquals("a/b", r.repository());
        assertNull(r.tag());
        assertEquals(Digest.sha256(HEX), r.digest());
    }

    @Test
    void parse_tagAndDigest_keepsBoth() throws Exception {
        ImageReference r = ImageReference.parse("busybox:1.36@sha256:" + HEX);
        assertEquals("1.36", r.tag());
        assertEquals("docker.io/library/busybox:1.36@sha256:" + HEX, r.toString());
        assertEquals("busybox:1.36@sha256:" + HEX, r.familiar());
    }

    @Test
    void familiar_libraryImage_isShort() throws Exception {
        assertEquals("busybox:latest", ImageReference.parse("busybox").familiar());
        assertEquals("localhost:5000/x:latest", ImageReference.parse("localhost:5000/x").familiar());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "Busybox", "busybox:", "busybox:-bad", "a//b", "a/b/", "-a", "a@sha256:xyz",
            "busybox:" + "t123456789t123456789t123456789t123456789t123456789t123456789t123456789t123456789"
                    + "t123456789t123456789t123456789t123456789t1234567890",
            "a..b/c", "UPPER.io/Repo"})
    void parse_invalid_rejectedWithReason(String input) {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> ImageReference.parse(input));
        assertTrue(e.getMessage().startsWith("parse image reference \""), e.getMessage());
    }

    @Test
    void parse_upperCaseRepository_saysLowercase() {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> ImageReference.parse("Busybox"));
        assertTrue(e.getMessage().contains("lowercase"), e.getMessage());
    }

    @Test
    void storeName_tagOrDigest_asPullTagsIt() throws Exception {
        assertEquals("docker.io/library/busybox:latest", ImageReference.parse("busybox").storeName());
        assertEquals("127.0.0.1:5000/app:1", ImageReference.parse("127.0.0.1:5000/app:1@sha256:"
                + "a".repeat(64)).storeName());
        assertEquals("docker.io/library/app@sha256:" + "b".repeat(64),
                ImageReference.parse("app@sha256:" + "b".repeat(64)).storeName());
    }
}
