package io.jbuild.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The plain-HTTP sniff for loopback registries that spares a TLS attempt. */
class RegistryTransportTest {
    /** A one-connection server on 127.0.0.1 that answers every request with {@code reply} and closes. */
    private static ServerSocket serve(byte[] reply) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                s.getInputStream().read(new byte[256]);
                s.getOutputStream().write(reply);
            } catch (IOException ignored) {
                // the test is over
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void speaksPlainHttp_httpServer_true() throws Exception {
        try (ServerSocket server = serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII))) {
            assertTrue(RegistryTransport.speaksPlainHttp("127.0.0.1:" + server.getLocalPort()));
        }
    }

    @Test
    void speaksPlainHttp_tlsServer_false() throws Exception {
        // what a TLS server sends back to a plaintext request: an alert record
        try (ServerSocket server = serve(new byte[] {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46})) {
            assertFalse(RegistryTransport.speaksPlainHttp("127.0.0.1:" + server.getLocalPort()));
        }
    }

    @Test
    void speaksPlainHttp_nothingListening_false() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertFalse(RegistryTransport.speaksPlainHttp("127.0.0.1:" + port));
    }
}
