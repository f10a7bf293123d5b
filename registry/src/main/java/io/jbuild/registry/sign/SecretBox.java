package io.jbuild.registry.sign;

import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

/**
 * NaCl {@code crypto_secretbox} (XSalsa20-Poly1305) in the layout Go's
 * {@code golang.org/x/crypto/nacl/secretbox} uses: the first 32 bytes of the XSalsa20 keystream
 * are the one-time Poly1305 key, the message is encrypted with the keystream from byte 32 on,
 * and the 16-byte tag over the ciphertext comes first in the box.
 */
final class SecretBox {
    private SecretBox() {
    }

    static final int KEY_SIZE = 32;
    static final int NONCE_SIZE = 24;
    static final int TAG_SIZE = 16;

    static byte[] seal(byte[] key, byte[] nonce, byte[] message) {
        XSalsa20Engine cipher = start(key, nonce);
        byte[] polyKey = polyKey(cipher);
        byte[] box = new byte[TAG_SIZE + message.length];
        cipher.processBytes(message, 0, message.length, box, TAG_SIZE);
        byte[] tag = tag(polyKey, box, TAG_SIZE, message.length);
        System.arraycopy(tag, 0, box, 0, TAG_SIZE);
        return box;
    }

    /** The message, or empty when the box is too short or its tag does not match. */
    static Optional<byte[]> open(byte[] key, byte[] nonce, byte[] box) {
        if (box.length < TAG_SIZE) {
            return Optional.empty();
        }
        XSalsa20Engine cipher = start(key, nonce);
        byte[] polyKey = polyKey(cipher);
        byte[] expected = tag(polyKey, box, TAG_SIZE, box.length - TAG_SIZE);
        if (!MessageDigest.isEqual(expected, Arrays.copyOf(box, TAG_SIZE))) {
            return Optional.empty();
        }
        byte[] message = new byte[box.length - TAG_SIZE];
        cipher.processBytes(box, TAG_SIZE, message.length, message, 0);
        return Optional.of(message);
    }

    private static XSalsa20Engine start(byte[] key, byte[] nonce) {
        if (key.length != KEY_SIZE) {
            throw new IllegalArgumentException("secretbox key must be " + KEY_SIZE + " bytes, not " + key.length);
        }
        if (nonce.length != NONCE_SIZE) {
            throw new IllegalArgumentException("secretbox nonce must be " + NONCE_SIZE + " bytes, not " + nonce.length);
        }
        XSalsa20Engine cipher = new XSalsa20Engine();
        cipher.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return cipher;
    }

    private static byte[] polyKey(XSalsa20Engine cipher) {
        byte[] polyKey = new byte[32];
        cipher.processBytes(new byte[32], 0, 32, polyKey, 0);
        return polyKey;
    }

    private static byte[] tag(byte[] polyKey, byte[] data, int offset, int length) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(polyKey));
        mac.update(data, offset, length);
        byte[] tag = new byte[TAG_SIZE];
        mac.doFinal(tag, 0);
        return tag;
    }
}
