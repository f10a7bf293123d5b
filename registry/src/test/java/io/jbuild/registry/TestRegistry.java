package io.jbuild.registry;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real CNCF distribution registry ({@code docker-registry serve}, Debian package
 * {@code docker-registry}) on 127.0.0.1 with its storage in a temp dir. It is stopped by its PID
 * and its storage deleted in {@link #close()}.
 */
public final class TestRegistry implements AutoCloseable {
    static final String BINARY = "/usr/bin/docker-registry";
    public static final String USER = "alice";
    public static final String PASSWORD = "s3cret-pass";

    private final Path dir;
    private final Process process;
    private final int port;
    private final TestTokenServer tokenServer;

    private TestRegistry(Path dir, Process process, int port, TestTokenServer tokenServer) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.tokenServer = tokenServer;
    }

    /** A registry without authentication. */
    public static TestRegistry start() throws IOException {
        return start(Mode.NONE);
    }

    /** A registry with htpasswd (Basic) authentication for {@link #USER}/{@link #PASSWORD}. */
    public static TestRegistry startWithBasicAuth() throws IOException {
        return start(Mode.BASIC);
    }

    /** A registry trusting JWTs of a token server of our own that checks {@link #USER}/{@link #PASSWORD}. */
    public static TestRegistry startWithTokenAuth() throws IOException {
        return start(Mode.TOKEN);
    }

    private enum Mode { NONE, BASIC, TOKEN }

    private static TestRegistry start(Mode mode) throws IOException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install the Debian package docker-registry "
                    + "(apt-get install docker-registry skopeo umoci busybox-static) to run the registry tests");
        }
        Path dir = Files.createTempDirectory("jbuild-test-registry");
        TestTokenServer tokenServer = null;
        try {
            int port = freePort();
            StringBuilder config = new StringBuilder();
            config.append("version: 0.1\n")
                    .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
                    .append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("storage")).append('\n')
                    .append("  delete:\n    enabled: true\n")
                    .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
                    .append("http:\n  addr: 127.0.0.1:").append(port).append('\n')
                    .append("  secret: jbuild-test-secret\n");
            if (mode == Mode.BASIC) {
                byte[] salt = new byte[16];
                new SecureRandom().nextBytes(salt);
                String hash = OpenBSDBCrypt.generate("2a", PASSWORD.toCharArray(), salt, 5);
                Path htpasswd = dir.resolve("htpasswd");
                Files.writeString(htpasswd, USER + ":" + hash + "\n");
                config.append("auth:\n  htpasswd:\n    realm: jbuild-test\n    path: ").append(htpasswd).append('\n');
            } else if (mode == Mode.TOKEN) {
                tokenServer = TestTokenServer.start(USER, PASSWORD);
                Path certs = dir.resolve("token-root.pem");
                Files.writeString(certs, tokenServer.certificatePem());
                config.append("auth:\n  token:\n")
                        .append("    realm: ").append(tokenServer.realm()).append('\n')
                        .append("    service: ").append(TestTokenServer.SERVICE).append('\n')
                        .append("    issuer: ").append(TestTokenServer.ISSUER).append('\n')
                        .append("    rootcertbundle: ").append(certs).append('\n');
            }
            Path configFile = dir.resolve("config.yml");
            Files.writeString(configFile, config.toString());
            Process process = new ProcessBuilder(BINARY, "serve", configFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
            TestRegistry registry = new TestRegistry(dir, process, port, tokenServer);
            try {
                registry.awaitReady();
            } catch (IOException | RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        } catch (IOException | RuntimeException e) {
            if (tokenServer != null) {
                tokenServer.close();
            }
            deleteRecursively(dir);
            throw e;
        }
    }

    private void awaitReady() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 || r.statusCode() == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for docker-registry", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for docker-registry", e);
            }
        }
        throw new IOException("docker-registry did not answer GET /v2/ on " + host() + " within 20 s: " + log());
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    java.nio.file.Path dir() {
        return dir;
    }

    int port() {
        return port;
    }

    TestTokenServer tokenServer() {
        return tokenServer;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (tokenServer != null) {
            tokenServer.close();
        }
        deleteRecursively(dir);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
