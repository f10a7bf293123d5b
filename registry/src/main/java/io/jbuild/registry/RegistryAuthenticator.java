package io.jbuild.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers registries' challenges: Basic with the stored credentials, Bearer by fetching a token
 * from the challenge's realm (GET with Basic credentials or anonymously; OAuth2 POST with a
 * refresh token, falling back to GET). A token is reused until shortly before it expires, and a
 * new one asks for the union of the scopes held so far, so pull, push and mount share one token.
 */
final class RegistryAuthenticator {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
    private static final long MIN_EXPIRES_IN = 60;

    private record Token(String value, Scope scope, Instant expires) {
        boolean validAt(Instant now) {
            return now.plus(EXPIRY_MARGIN).isBefore(expires);
        }
    }

    private final HttpClient http;
    private final java.time.Clock clock;
    private final CredentialProvider credentials;
    private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Optional<Credentials>> credentialCache = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private volatile int tokenRequests;

    RegistryAuthenticator(HttpClient http, CredentialProvider credentials, java.time.Clock clock) {
        this.http = http;
        this.clock = clock;
        this.credentials = credentials;
    }

    int tokenRequests() {
        return tokenRequests;
    }

    /** The Authorization header for a request needing {@code scope}, if the registry asked for one before. */
    synchronized Optional<String> authorization(String registry, Scope scope) throws RegistryException {
        AuthChallenge challenge = challenges.get(registry);
        if (challenge == null) {
            return Optional.empty();
        }
        if (challenge.isBasic()) {
            return credentialsFor(registry).filter(Credentials::hasPassword).map(RegistryAuthenticator::basic);
        }
        Token token = tokens.get(registry);
        Instant now = clock.instant();
        if (token != null && token.validAt(now) && token.scope().covers(scope)) {
            return Optional.of("Bearer " + token.value());
        }
        Scope wanted = token != null && token.validAt(now) ? token.scope().union(scope) : scope;
        token = fetchToken(registry, challenge, wanted);
        tokens.put(registry, token);
        return Optional.of("Bearer " + token.value());
    }

    /**
     * Records a 401's challenges; returns whether the request is worth repeating with new authorization.
     */
    synchronized boolean challenged(String registry, List<String> headers, Scope scope, boolean hadAuthorization)
            throws RegistryException {
        List<AuthChallenge> parsed = AuthChallenge.parse(headers);
        AuthChallenge bearer = parsed.stream().filter(AuthChallenge::isBearer).findFirst().orElse(null);
        AuthChallenge basic = parsed.stream().filter(AuthChallenge::isBasic).findFirst().orElse(null);
        if (bearer != null && bearer.parameter("realm") != null) {
            challenges.put(registry, bearer);
            Scope wanted = scope.union(Scope.parse(bearer.parameter("scope") == null
                    ? List.of() : List.of(bearer.parameter("scope"))));
            Token old = tokens.get(registry);
            if (old != null && old.validAt(clock.instant())) {
                wanted = wanted.union(old.scope());
            }
            Token token = fetchToken(registry, bearer, wanted);
            tokens.put(registry, token);
            return true;
        }
        if (basic != null) {
            challenges.put(registry, basic);
            return !hadAuthorization && credentialsFor(registry).filter(Credentials::hasPassword).isPresent();
        }
        return false;
    }

    private Optional<Credentials> credentialsFor(String registry) throws RegistryException {
        Optional<Credentials> c = credentialCache.get(registry);
        if (c == null) {
            c = credentials.find(registry);
            credentialCache.put(registry, c);
        }
        return c;
    }

    private static String basic(Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    }

    private Token fetchToken(String registry, AuthChallenge challenge, Scope scope) throws RegistryException {
        Optional<Credentials> creds = credentialsFor(registry);
        if (creds.isPresent() && creds.get().registryToken() != null) {
            return new Token(creds.get().registryToken(), scope, Instant.MAX);
        }
        String realm = challenge.parameter("realm");
        String service = challenge.parameter("service");
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new RegistryException("authenticate to " + registry + ": invalid token realm \"" + realm + "\"");
        }
        String refresh = creds.map(Credentials::identityToken).orElse(refreshTokens.get(registry));
        if (refresh != null) {
            Optional<Token> t = postForToken(registry, realmUri, service, scope, refresh);
            if (t.isPresent()) {
                return t.get();
            }
        }
        StringBuilder query = new StringBuilder();
        if (service != null) {
            query.append("service=").append(encode(service));
        }
        for (String s : scope.toStrings()) {
            query.append(query.length() == 0 ? "" : "&").append("scope=").append(encode(s));
        }
        URI uri = withQuery(realmUri, query.toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json").GET();
        creds.filter(Credentials::hasPassword).ifPresent(c -> request.header("Authorization", basic(c)));
        return send(registry, request.build(), scope);
    }

    private Optional<Token> postForToken(String registry, URI realm, String service, Scope scope, String refresh)
            throws RegistryException {
        StringBuilder form = new StringBuilder("grant_type=refresh_token&refresh_token=").append(encode(refresh))
                .append("&client_id=jbuild");
        if (service != null) {
            form.append("&service=").append(encode(service));
        }
        if (!scope.isEmpty()) {
            form.append("&scope=").append(encode(String.join(" ", scope.toStrings())));
        }
        HttpRequest request = HttpRequest.newBuilder(realm).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        HttpResponse<InputStream> r;
        try {
            tokenRequests++;
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() == 404 || r.statusCode() == 405 || r.statusCode() == 400) {
                r.body().close();
                return Optional.empty(); // no OAuth2 endpoint: fall back to GET
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("authenticate to " + registry + ": interrupted", e);
        }
        return Optional.of(parseToken(registry, request, r, scope));
    }

    private Token send(String registry, HttpRequest request, Scope scope) throws RegistryException {
        tokenRequests++;
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RegistryException("authenticate to " + registry + ": token server " + request.uri()
                    + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("authenticate to " + registry + ": interrupted", e);
        }
        return parseToken(registry, request, response, scope);
    }

    private Token parseToken(String registry, HttpRequest request, HttpResponse<InputStream> response, Scope scope)
            throws RegistryException {
        if (response.statusCode() != 200) {
            throw ErrorResponses.toException("authenticate to", registry + " (token server "
                    + request.uri().getHost() + ")", response);
        }
        JsonNode json;
        try (InputStream in = response.body()) {
            json = MAPPER.readTree(in.readNBytes(1 << 20));
        } catch (IOException e) {
            throw new RegistryException("authenticate to " + registry + ": token server answer: " + e, e);
        }
        String token = json.path("token").asText("");
        if (token.isEmpty()) {
            token = json.path("access_token").asText("");
        }
        if (token.isEmpty()) {
            throw new RegistryException("authenticate to " + registry + ": token server answer holds no token");
        }
        long expiresIn = Math.max(MIN_EXPIRES_IN, json.path("expires_in").asLong(MIN_EXPIRES_IN));
        Instant issued = clock.instant();
        String issuedAt = json.path("issued_at").asText("");
        if (!issuedAt.isEmpty()) {
            try {
                Instant parsed = Instant.parse(issuedAt);
                if (parsed.isBefore(issued)) {
                    issued = parsed;
                }
            } catch (DateTimeParseException ignored) {
                // keep now
            }
        }
        String refresh = json.path("refresh_token").asText("");
        if (!refresh.isEmpty()) {
            refreshTokens.put(registry, refresh);
        }
        return new Token(token, scope, issued.plusSeconds(expiresIn));
    }

    private static URI withQuery(URI base, String query) {
        if (query.isEmpty()) {
            return base;
        }
        String s = base.toString();
        return URI.create(s + (base.getRawQuery() == null ? "?" : "&") + query);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** For tests: the scopes of the current token of a registry. */
    List<String> tokenScopes(String registry) {
        Token t = tokens.get(registry);
        return t == null ? List.of() : new ArrayList<>(t.scope().toStrings());
    }
}
