package io.jbuild.registry.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Known answers from go-securesystemslib encrypted/encrypted_test.go (MIT), commit 8b6ec9c:
 * passphrase "supersecret"; TestDecrypt's envelope holds "reallyimportant", the kdfVectors
 * hold the indented JSON of that []byte, i.e. the quoted base64 string.
 */
class PasswordBoxTest {
    private static final char[] SUPERSECRET = "supersecret".toCharArray();

    @Test
    void open_goSecureSystemsLibTestDecryptVector_givesPlaintext() throws Exception {
        String envelope = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,\"p\":1},"
                + "\"salt\":\"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g=\"},\"cipher\":{\"name\":\"nacl/secretbox\","
                + "\"nonce\":\"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik\"},\"ciphertext\":\"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ==\"}";
        assertEquals("reallyimportant", new String(PasswordBox.open(envelope.getBytes(StandardCharsets.UTF_8),
                SUPERSECRET, "test"), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "N={0}")
    @CsvSource({
            "32768, WO3mVvyTwJ9vwT5/Tk5OW5WPIBUofMjcpEfrLnfY4uA=, tCy7HcTFr4uxv4Nrg/DWmncuZ148U1MX, 08n43p5G5yviPEZpO7tPPF4aZQkWiWjkv4taFdhDBA0tamKH4nw=",
            "65536, FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs=, aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE, HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8=",
            "131072, m38E3kouJTtiheLQN22NQ8DTito5hrjpUIskqcd375k=, Y6PM13yA+o44pE/W1ZBwczeGnTV/m9Zc, 6H8sqj1K6B6yDjtH5AQ6lbFigg/C2yDDJc4rYJ79w9aVPImFIPI="})
    void open_goSecureSystemsLibKdfVectors_givePlaintext(int n, String salt, String nonce, String ciphertext) throws Exception {
        String envelope = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":" + n + ",\"r\":8,\"p\":1},\"salt\":\"" + salt
                + "\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"" + nonce + "\"},\"ciphertext\":\"" + ciphertext + "\"}";
        String expected = "\"" + Base64.getEncoder().encodeToString("reallyimportant".getBytes(StandardCharsets.UTF_8)) + "\"";
        assertEquals(expected, new String(PasswordBox.open(envelope.getBytes(StandardCharsets.UTF_8), SUPERSECRET, "test"),
                StandardCharsets.UTF_8));
    }

    @Test
    void open_unsupportedScryptParameters_rejectedBeforeDerivingKey() {
        String envelope = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":99,\"r\":99,\"p\":99},"
                + "\"salt\":\"cZFcQJdwPhPyhU1R4qkl0qVOIjZd4V/7LYYAavq166k=\"},\"cipher\":{\"name\":\"nacl/secretbox\","
                + "\"nonce\":\"7vhRS7j0hEPBWV05skAdgLj81AkGeE7U\"},\"ciphertext\":\"6WYU/YSXVbYzl/NzaeAzmjLyfFhOOjLc0d8/GFV0aBFdJvyCcXc=\"}";
        KeyFileException e = assertThrows(KeyFileException.class,
                () -> PasswordBox.open(envelope.getBytes(StandardCharsets.UTF_8), SUPERSECRET, "test"));
        assertTrue(e.getMessage().contains("unsupported scrypt parameters"), e.getMessage());
    }

    @Test
    void seal_anyPlaintext_writesStandardEnvelopeThatOpens() throws Exception {
        byte[] plaintext = "some key bytes".getBytes(StandardCharsets.UTF_8);
        byte[] envelope = PasswordBox.seal(plaintext, SUPERSECRET);
        JsonNode root = new ObjectMapper().readTree(envelope);
        assertEquals("scrypt", root.at("/kdf/name").asText());
        assertEquals(65536, root.at("/kdf/params/N").asInt());
        assertEquals(8, root.at("/kdf/params/r").asInt());
        assertEquals(1, root.at("/kdf/params/p").asInt());
        assertEquals(32, Base64.getDecoder().decode(root.at("/kdf/salt").asText()).length);
        assertEquals("nacl/secretbox", root.at("/cipher/name").asText());
        assertEquals(24, Base64.getDecoder().decode(root.at("/cipher/nonce").asText()).length);
        assertEquals(plaintext.length + 16, Base64.getDecoder().decode(root.at("/ciphertext").asText()).length);
        assertArrayEquals(plaintext, PasswordBox.open(envelope, SUPERSECRET, "test"));
        assertThrows(WrongPasswordException.class, () -> PasswordBox.open(envelope, "supersecreT".toCharArray(), "test"));
    }

    @Test
    void seal_twice_usesFreshSaltAndNonce() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode a = mapper.readTree(PasswordBox.seal(new byte[8], new char[0], PasswordBox.LEGACY));
        JsonNode b = mapper.readTree(PasswordBox.seal(new byte[8], new char[0], PasswordBox.LEGACY));
        assertTrue(!a.at("/kdf/salt").equals(b.at("/kdf/salt")) && !a.at("/cipher/nonce").equals(b.at("/cipher/nonce")));
    }
}
