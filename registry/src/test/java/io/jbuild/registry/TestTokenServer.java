package io.jbuild.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token server of the tests' own: answers {@code GET /token?service=&scope=} (and the OAuth2
 * {@code POST /token} with a password or refresh token) with an RS256 JWT signed by a key generated
 * at start, carrying its self-signed certificate in {@code x5c}. Only the configured user's Basic
 * credentials are accepted; anonymous requests get 401.
 */
final class TestTokenServer implements AutoCloseable {
    static final String SERVICE = "jbuild-test-registry";
    static final String ISSUER = "jbuild-test-issuer";
    static final String REFRESH_TOKEN = "jbuild-test-refresh-token";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final KeyPair keys;
    private final byte[] certificateDer;
    private final String user;
    private final String password;
    final AtomicInteger getRequests = new AtomicInteger();
    final AtomicInteger postRequests = new AtomicInteger();
    final List<String> scopesRequested = java.util.Collections.synchronizedList(new ArrayList<>());

    private TestTokenServer(HttpServer server, KeyPair keys, byte[] certificateDer, String user, String password) {
        this.server = server;
        this.keys = keys;
        this.certificateDer = certificateDer;
        this.user = user;
        this.password = password;
    }

    static TestTokenServer start(String user, String password) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=jbuild test token issuer");
            Instant now = Instant.now();
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate());
            X509CertificateHolder cert = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86400)), name, keys.getPublic())
                    .build(signer);
            HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            TestTokenServer tokens = new TestTokenServer(server, keys, cert.getEncoded(), user, password);
            server.createContext("/token", tokens::handle);
            server.start();
            return tokens;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("create token signing key", e);
        }
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    String certificatePem() {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificateDer)
                + "\n-----END CERTIFICATE-----\n";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> params = new LinkedHashMap<>();
            parseForm(exchange.getRequestURI().getRawQuery(), params);
            boolean authorised;
            if (exchange.getRequestMethod().equals("POST")) {
                postRequests.incrementAndGet();
                parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), params);
                String grant = first(params, "grant_type");
                authorised = ("refresh_token".equals(grant) && REFRESH_TOKEN.equals(first(params, "refresh_token")))
                        || ("password".equals(grant) && user.equals(first(params, "username"))
                        && password.equals(first(params, "password")));
            } else {
                getRequests.incrementAndGet();
                String expected = "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8));
                authorised = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            }
            if (!authorised || !SERVICE.equals(first(params, "service"))) {
                byte[] body = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(401, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            List<String> scopes = params.getOrDefault("scope", List.of());
            scopesRequested.addAll(scopes);
            String token = sign(scopes);
            ObjectNode answer = MAPPER.createObjectNode();
            answer.put("token", token);
            answer.put("access_token", token);
            answer.put("expires_in", 300);
            answer.put("issued_at", Instant.now().toString());
            if (exchange.getRequestMethod().equals("POST")) {
                answer.put("refresh_token", REFRESH_TOKEN);
            }
            byte[] body = MAPPER.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private String sign(List<String> scopes) {
        ObjectNode header = MAPPER.createObjectNode();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificateDer));
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = MAPPER.createObjectNode();
        claims.put("iss", ISSUER);
        claims.put("sub", user);
        claims.put("aud", SERVICE);
        claims.put("exp", now + 300);
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        ArrayNode access = claims.putArray("access");
        for (String scope : scopes) {
            for (String one : scope.split(" ")) {
                String[] parts = one.split(":");
                if (parts.length < 3) {
                    continue;
                }
                String actions = parts[parts.length - 1];
                String name = String.join(":", java.util.Arrays.copyOfRange(parts, 1, parts.length - 1));
                ObjectNode entry = access.addObject();
                entry.put("type", parts[0]);
                entry.put("name", name);
                ArrayNode list = entry.putArray("actions");
                for (String a : actions.split(",")) {
                    list.add(a);
                }
            }
        }
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signingInput = b64.encodeToString(MAPPER.writeValueAsBytes(header)) + "."
                    + b64.encodeToString(MAPPER.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(keys.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sign token", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void parseForm(String text, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
    }

    private static String first(Map<String, List<String>> params, String key) {
        List<String> values = params.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
