package io.jbuild.registry.sign;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretBoxTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * golang.org/x/crypto nacl/secretbox/secretbox_test.go TestSecretBox (BSD-style licence):
     * key all 0x01, nonce all 0x02, 64-byte message all 0x03; expected output "generated using
     * the C implementation of NaCl".
     */
    @Test
    void seal_goCryptoKnownAnswer_matches() {
        byte[] key = filled(32, 1);
        byte[] nonce = filled(24, 2);
        byte[] message = filled(64, 3);
        byte[] expected = HexFormat.of().parseHex("8442bc313f4626f1359e3b50122b6ce6fe66ddfe7d39d14e637eb4fd5b45bead"
                + "ab55198df6ab5368439792a23c87db70acb6156dc5ef957ac04f6276cf6093b84be77ff0849cc33e34b7254d5a8f65ad");
        assertArrayEquals(expected, SecretBox.seal(key, nonce, message));
        assertArrayEquals(message, SecretBox.open(key, nonce, expected).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 32, 33, 63, 64, 65, 200})
    void open_sealedMessage_roundTripsWithTagFirst(int length) {
        byte[] key = random(32);
        byte[] nonce = random(24);
        byte[] message = random(length);
        byte[] box = SecretBox.seal(key, nonce, message);
        assertEquals(length + 16, box.length);
        assertArrayEquals(message, SecretBox.open(key, nonce, box).orElseThrow());
    }

    @Test
    void open_anyFlippedByteOrWrongKey_fails() {
        byte[] key = random(32);
        byte[] nonce = random(24);
        byte[] box = SecretBox.seal(key, nonce, random(40));
        for (int i = 0; i < box.length; i++) {
            byte[] tampered = box.clone();
            tampered[i] ^= 0x20;
            assertTrue(SecretBox.open(key, nonce, tampered).isEmpty(), "byte " + i);
        }
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        assertTrue(SecretBox.open(otherKey, nonce, box).isEmpty());
        byte[] otherNonce = nonce.clone();
        otherNonce[23] ^= 1;
        assertTrue(SecretBox.open(key, otherNonce, box).isEmpty());
        assertTrue(SecretBox.open(key, nonce, new byte[15]).isEmpty());
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
