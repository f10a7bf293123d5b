package io.jbuild.registry.sign;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.bouncycastle.crypto.generators.SCrypt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The password-encrypted envelope of go-securesystemslib's {@code encrypted} package, which
 * cosign puts inside {@code ENCRYPTED SIGSTORE PRIVATE KEY} PEM blocks:
 * <pre>{"kdf":{"name":"scrypt","params":{"N":n,"r":8,"p":1},"salt":b64},
 * "cipher":{"name":"nacl/secretbox","nonce":b64},"ciphertext":b64}</pre>
 * key = scrypt(UTF-8 password, salt, N, r, p, 32); ciphertext = secretbox(plaintext). Like the Go
 * code, opening accepts only the three parameter sets it writes (a file must not be able to ask
 * for unbounded memory), and sealing uses the "standard" N=65536 with a 32-byte salt.
 */
final class PasswordBox {
    private PasswordBox() {
    }

    record ScryptParams(int n, int r, int p) {
    }

    static final ScryptParams LEGACY = new ScryptParams(32768, 8, 1);
    static final ScryptParams STANDARD = new ScryptParams(65536, 8, 1);
    static final ScryptParams OWASP = new ScryptParams(131072, 8, 1);
    private static final List<ScryptParams> ACCEPTED = List.of(LEGACY, STANDARD, OWASP);
    private static final int SALT_SIZE = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    static byte[] seal(byte[] plaintext, char[] password) {
        return seal(plaintext, password, STANDARD);
    }

    static byte[] seal(byte[] plaintext, char[] password, ScryptParams params) {
        byte[] salt = new byte[SALT_SIZE];
        byte[] nonce = new byte[SecretBox.NONCE_SIZE];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(nonce);
        byte[] key = deriveKey(password, salt, params);
        byte[] box = SecretBox.seal(key, nonce, plaintext);
        Arrays.fill(key, (byte) 0);
        Base64.Encoder b64 = Base64.getEncoder();
        String json = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":" + params.n() + ",\"r\":" + params.r()
                + ",\"p\":" + params.p() + "},\"salt\":\"" + b64.encodeToString(salt)
                + "\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"" + b64.encodeToString(nonce)
                + "\"},\"ciphertext\":\"" + b64.encodeToString(box) + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Opens an envelope; the message of a {@link KeyFileException} starts with {@code what}. */
    static byte[] open(byte[] envelope, char[] password, String what) throws KeyFileException {
        JsonNode root;
        try {
            root = MAPPER.readTree(envelope);
        } catch (IOException e) {
            throw new KeyFileException(what + ": encrypted content is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new KeyFileException(what + ": encrypted content is not a JSON object");
        }
        JsonNode kdf = root.path("kdf");
        JsonNode cipher = root.path("cipher");
        if (!"scrypt".equals(kdf.path("name").asText(null))) {
            throw new KeyFileException(what + ": unknown kdf \"" + kdf.path("name").asText("") + "\" (expected scrypt)");
        }
        if (!"nacl/secretbox".equals(cipher.path("name").asText(null))) {
            throw new KeyFileException(what + ": unknown cipher \"" + cipher.path("name").asText("")
                    + "\" (expected nacl/secretbox)");
        }
        JsonNode p = kdf.path("params");
        ScryptParams params = new ScryptParams(p.path("N").asInt(-1), p.path("r").asInt(-1), p.path("p").asInt(-1));
        if (!ACCEPTED.contains(params)) {
            throw new KeyFileException(what + ": unsupported scrypt parameters N=" + params.n() + " r=" + params.r()
                    + " p=" + params.p());
        }
        byte[] salt = base64(kdf.path("salt"), "kdf.salt", what);
        byte[] nonce = base64(cipher.path("nonce"), "cipher.nonce", what);
        byte[] box = base64(root.path("ciphertext"), "ciphertext", what);
        if (nonce.length != SecretBox.NONCE_SIZE) {
            throw new KeyFileException(what + ": nonce has " + nonce.length + " bytes, expected " + SecretBox.NONCE_SIZE);
        }
        byte[] key = deriveKey(password, salt, params);
        Optional<byte[]> plaintext = SecretBox.open(key, nonce, box);
        Arrays.fill(key, (byte) 0);
        return plaintext.orElseThrow(() -> new WrongPasswordException(
                what + ": wrong password (or the encrypted key is corrupted)"));
    }

    private static byte[] base64(JsonNode node, String field, String what) throws KeyFileException {
        if (!node.isTextual()) {
            throw new KeyFileException(what + ": " + field + " is missing");
        }
        try {
            return Base64.getDecoder().decode(node.textValue());
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(what + ": " + field + " is not base64: " + e.getMessage(), e);
        }
    }

    private static byte[] deriveKey(char[] password, byte[] salt, ScryptParams params) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] passwordBytes = new byte[encoded.remaining()];
        encoded.get(passwordBytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        byte[] key = SCrypt.generate(passwordBytes, salt, params.n(), params.r(), params.p(), SecretBox.KEY_SIZE);
        Arrays.fill(passwordBytes, (byte) 0);
        return key;
    }
}
