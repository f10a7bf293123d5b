package io.jbuild.registry.sign;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyFilesTest {
    @Test
    void generateKeyPair_default_isP256() {
        ECPublicKey key = (ECPublicKey) KeyFiles.generateKeyPair().getPublic();
        assertEquals(256, key.getParams().getCurve().getField().getFieldSize());
        assertEquals("EC", key.getAlgorithm());
    }

    @Test
    void readPrivateKey_encryptedRoundTrip_givesSameKeyAndDerivedPublicKey() throws Exception {
        KeyPair pair = KeyFiles.generateKeyPair();
        byte[] pem = KeyFiles.writeEncryptedPrivateKey(pair.getPrivate(), "correct horse".toCharArray());
        String text = new String(pem, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"), text);
        assertTrue(text.endsWith("\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"), text);
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= 64, line);
        }
        String json = new String(Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", "")),
                StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":65536,\"r\":8,\"p\":1},\"salt\":\""), json);

        KeyPair read = KeyFiles.readPrivateKey(pem, "correct horse".toCharArray());
        assertArrayEquals(pair.getPrivate().getEncoded(), read.getPrivate().getEncoded());
        assertArrayEquals(pair.getPublic().getEncoded(), read.getPublic().getEncoded());
    }

    @Test
    void readPrivateKey_wrongPassword_throwsWrongPasswordException() {
        byte[] pem = KeyFiles.writeEncryptedPrivateKey(KeyFiles.generateKeyPair().getPrivate(), "right".toCharArray());
        WrongPasswordException e = assertThrows(WrongPasswordException.class,
                () -> KeyFiles.readPrivateKey(pem, "wrong".toCharArray()));
        assertEquals("read private key: wrong password (or the encrypted key is corrupted)", e.getMessage());
    }

    @Test
    void readPrivateKey_emptyPassword_roundTrips() throws Exception {
        KeyPair pair = KeyFiles.generateKeyPair();
        byte[] pem = KeyFiles.writeEncryptedPrivateKey(pair.getPrivate(), new char[0]);
        assertArrayEquals(pair.getPublic().getEncoded(), KeyFiles.readPrivateKey(pem, null).getPublic().getEncoded());
    }

    /** Keys written by cosign's own tests (see the README next to them); password "hello". */
    @ParameterizedTest
    @ValueSource(strings = {"cosign-legacy.key", "cosign-ec-sec1.key", "sigstore.key"})
    void readPrivateKey_cosignGeneratedKey_opensWithPasswordAndSigns(String name) throws Exception {
        byte[] pem = resource(name);
        KeyPair pair = KeyFiles.readPrivateKey(pem, "hello".toCharArray());
        byte[] payload = "payload".getBytes(StandardCharsets.UTF_8);
        assertTrue(new CosignVerifier(pair.getPublic()).verify(payload, new CosignSigner(pair).sign(payload)));
        assertThrows(WrongPasswordException.class, () -> KeyFiles.readPrivateKey(pem, "hellO".toCharArray()));
    }

    @Test
    void readPublicKey_conformanceCosignPub_isP256AndRoundTrips() throws Exception {
        byte[] pem = CosignExample.bytes("cosign.pub");
        PublicKey key = KeyFiles.readPublicKey(pem);
        assertEquals("EC", key.getAlgorithm());
        assertArrayEquals(pem, KeyFiles.writePublicKey(key));
    }

    /** Plain key files as OpenSSL writes them (cosign imports these with import-key-pair). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "EC PRIVATE KEY|openssl ecparam -name prime256v1 -genkey -noout -out KEY",
            "PRIVATE KEY|openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out KEY",
            "RSA PRIVATE KEY|openssl genrsa -traditional -out KEY 2048",
            "PRIVATE KEY|openssl genpkey -algorithm ed25519 -out KEY"})
    void readPrivateKey_opensslPlainKey_matchesOpensslPublicKey(String type, String command, @TempDir Path dir)
            throws Exception {
        Path key = dir.resolve("key.pem");
        Path pub = dir.resolve("pub.pem");
        run(dir, command.replace("KEY", key.toString()).split(" "));
        run(dir, "openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        byte[] pem = Files.readAllBytes(key);
        assertTrue(new String(pem, StandardCharsets.US_ASCII).contains("-----BEGIN " + type + "-----"));
        KeyPair pair = KeyFiles.readPrivateKey(pem, null);
        assertArrayEquals(KeyFiles.readPublicKey(Files.readAllBytes(pub)).getEncoded(), pair.getPublic().getEncoded());
    }

    @Test
    void readPrivateKey_legacyCosignPemType_accepted() throws Exception {
        KeyPair pair = KeyFiles.generateKeyPair();
        String pem = new String(KeyFiles.writeEncryptedPrivateKey(pair.getPrivate(), "pw".toCharArray()),
                StandardCharsets.US_ASCII).replace("SIGSTORE", "COSIGN");
        assertArrayEquals(pair.getPrivate().getEncoded(),
                KeyFiles.readPrivateKey(pem.getBytes(StandardCharsets.US_ASCII), "pw".toCharArray()).getPrivate().getEncoded());
    }

    @Test
    void readPrivateKey_unsupportedOrMalformed_throwsKeyFileException() {
        KeyFileException e = assertThrows(KeyFileException.class, () -> KeyFiles.readPrivateKey(
                CosignExample.bytes("cosign.pub"), null));
        assertTrue(e.getMessage().startsWith("read private key: unsupported PEM type \"PUBLIC KEY\""), e.getMessage());
        assertThrows(KeyFileException.class, () -> KeyFiles.readPrivateKey("nothing".getBytes(StandardCharsets.US_ASCII), null));
        assertThrows(KeyFileException.class, () -> KeyFiles.readPrivateKey(
                KeyFiles.pem(KeyFiles.PRIVATE_KEY, new byte[] {1, 2, 3}), null));
        assertThrows(KeyFileException.class, () -> KeyFiles.readPrivateKey(
                KeyFiles.pem(KeyFiles.ENCRYPTED_SIGSTORE, "{}".getBytes(StandardCharsets.US_ASCII)), null));
        assertThrows(KeyFileException.class, () -> KeyFiles.readPublicKey(KeyFiles.pem(KeyFiles.PUBLIC_KEY, new byte[] {5})));
    }

    static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timeout: " + String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = KeyFilesTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }
}
