package io.jbuild.layerstore;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DigestTest {
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void of_emptyBytes_isWellKnownSha256() {
        Digest d = Digest.of(new byte[0]);
        assertEquals("sha256:" + EMPTY_SHA256, d.toString());
        assertEquals(EMPTY_SHA256, d.hex());
    }

    @Test
    void of_sha512_hasHexOf128() {
        Digest d = Digest.of(Digest.SHA512, "abc".getBytes(StandardCharsets.UTF_8));
        assertEquals(128, d.hex().length());
        assertTrue(d.isVerifiable());
    }

    @Test
    void parse_valid_roundTrips() throws Exception {
        assertEquals(Digest.sha256(EMPTY_SHA256), Digest.parse("sha256:" + EMPTY_SHA256));
    }

    @Test
    void parse_upperCaseSha256_rejected() {
        InvalidValueException e = assertThrows(InvalidValueException.class,
                () -> Digest.parse("sha256:" + EMPTY_SHA256.toUpperCase()));
        assertTrue(e.getMessage().startsWith("parse digest"), e.getMessage());
    }

    @Test
    void parse_shortSha256_rejected() {
        assertThrows(InvalidValueException.class, () -> Digest.parse("sha256:abc"));
    }

    @Test
    void parse_noColon_rejected() {
        assertThrows(InvalidValueException.class, () -> Digest.parse(EMPTY_SHA256));
    }

    @Test
    void parse_unregisteredAlgorithm_acceptedButNotVerifiable() throws Exception {
        Digest d = Digest.parse("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8");
        assertFalse(d.isVerifiable());
        assertEquals("multihash+base58", d.algorithm());
    }

    @Test
    void parse_repeatedSeparators_rejected() {
        assertThrows(InvalidValueException.class, () -> Digest.parse("sha256+foo+-b:abc"));
    }
}
