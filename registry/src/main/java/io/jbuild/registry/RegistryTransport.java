package io.jbuild.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Sends {@link RegistryRequest}s: picks HTTPS (plain HTTP for loopback registries when HTTPS
 * fails, and for registries configured insecure), adds authorization, answers 401 challenges
 * once, follows redirects without sending {@code Authorization} to another host, and retries
 * connection errors and 408/429/5xx with backoff when the request can be repeated.
 */
final class RegistryTransport {
    private static final Pattern WARNING = Pattern.compile("299\\s+\\S+\\s+\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final int MAX_REDIRECTS = 10;
    /** How long a first HTTPS attempt to a registry that may fall back to HTTP waits (a plain server may never answer a TLS hello). */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http;
    private final RegistryAuthenticator auth;
    private final RetryPolicy retry;
    private final Set<String> insecure;
    private final Duration requestTimeout;
    private final Map<String, String> schemes = new ConcurrentHashMap<>();
    private final Set<String> warnings = ConcurrentHashMap.newKeySet();

    RegistryTransport(HttpClient http, RegistryAuthenticator auth, RetryPolicy retry, Set<String> insecure,
            Set<String> plainHttp, Duration requestTimeout) {
        for (String registry : plainHttp) {
            schemes.put(registry, "http");
        }
        this.http = http;
        this.auth = auth;
        this.retry = retry;
        this.insecure = Set.copyOf(insecure);
        this.requestTimeout = requestTimeout;
    }

    RetryPolicy retryPolicy() {
        return retry;
    }

    RegistryAuthenticator authenticator() {
        return auth;
    }

    /** The {@code Warning: 299} texts registries sent, deduplicated. */
    Set<String> warnings() {
        return Set.copyOf(warnings);
    }

    /** The host the API is served from: Docker Hub's API lives on {@code registry-1.docker.io}. */
    static String apiHost(String registry) {
        return registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    }

    /** A registry name split into host and port (-1 when none); IPv6 literals come in brackets. */
    record HostPort(String host, int port) {
        static HostPort of(String registry) {
            String host = registry;
            int port = -1;
            if (host.startsWith("[")) {
                int close = host.indexOf(']') < 0 ? host.length() : host.indexOf(']');
                if (close + 1 < host.length() && host.charAt(close + 1) == ':') {
                    port = Integer.parseInt(host.substring(close + 2));
                }
                host = host.substring(1, close);
            } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
                port = Integer.parseInt(host.substring(host.indexOf(':') + 1));
                host = host.substring(0, host.indexOf(':'));
            }
            return new HostPort(host, port);
        }
    }

    static boolean isLoopback(String registry) {
        String host;
        try {
            host = HostPort.of(registry).host();
        } catch (NumberFormatException e) {
            return false;
        }
        return host.equals("localhost") || host.equals("::1") || host.matches("127\\.\\d+\\.\\d+\\.\\d+");
    }

    /**
     * Whether a loopback registry answers plain HTTP: a raw {@code GET /v2/} on a socket, which costs
     * a millisecond where an HTTPS attempt would cost the TLS setup (a quarter second in a fresh JVM)
     * before falling back. A TLS server does not answer {@code HTTP/}, so HTTPS is kept for it.
     */
    static boolean speaksPlainHttp(String registry) {
        HostPort address;
        try {
            address = HostPort.of(registry);
        } catch (NumberFormatException e) {
            return false;
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(address.host(), address.port() < 0 ? 443 : address.port()), 500);
            socket.setSoTimeout(1000);
            socket.getOutputStream().write(("GET /v2/ HTTP/1.0\r\nHost: " + registry + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] head = socket.getInputStream().readNBytes(5);
            return new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private boolean mayUseHttp(String registry) {
        return isLoopback(registry) || insecure.contains(registry);
    }

    URI base(String registry) {
        if (!schemes.containsKey(registry) && isLoopback(registry) && speaksPlainHttp(registry)) {
            schemes.putIfAbsent(registry, "http");
        }
        String scheme = schemes.getOrDefault(registry, "https");
        return URI.create(scheme + "://" + apiHost(registry));
    }

    /** Resolves a target (path or absolute URL) against the registry's base URL. */
    URI resolve(String registry, String target) {
        return base(registry).resolve(target);
    }

    HttpResponse<InputStream> send(RegistryRequest request) throws RegistryException {
        int attempt = 1;
        boolean authAnswered = false;
        int redirects = 0;
        String method = request.method;
        boolean dropBody = false;
        URI uri = resolve(request.registry, request.target);
        boolean absoluteTarget = URI.create(request.target).isAbsolute();
        while (true) {
            boolean probing = uri.getScheme().equals("https") && !absoluteTarget && redirects == 0
                    && !schemes.containsKey(request.registry) && mayUseHttp(request.registry);
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(probing
                    && PROBE_TIMEOUT.compareTo(requestTimeout) < 0 ? PROBE_TIMEOUT : requestTimeout);
            try {
                HttpRequest.BodyPublisher publisher = request.body == null || dropBody
                        ? HttpRequest.BodyPublishers.noBody() : request.body.publisher();
                builder.method(method, publisher);
            } catch (IOException e) {
                throw new RegistryException(request.action + " " + request.object + ": read content: " + e, e);
            }
            request.headers.forEach(builder::header);
            boolean sentAuthorization = false;
            if (sameHost(uri, request.registry)) {
                var authorization = auth.authorization(request.registry, request.scope);
                if (authorization.isPresent()) {
                    builder.header("Authorization", authorization.get());
                    sentAuthorization = true;
                }
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                if (uri.getScheme().equals("https") && !absoluteTarget && redirects == 0
                        && mayUseHttp(request.registry)
                        && (isTlsOrConnectFailure(e) || (probing && e instanceof HttpTimeoutException))) {
                    // as Docker does for loopback and --insecure-registry hosts: HTTPS failed, use HTTP
                    schemes.put(request.registry, "http");
                    uri = resolve(request.registry, request.target);
                    continue;
                }
                if (request.replayable && attempt < retry.maxAttempts()) {
                    pause(retry.delay(attempt), request);
                    attempt++;
                    continue;
                }
                throw new RegistryException(request.action + " " + request.object + ": " + uri.getHost()
                        + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + ": " + describe(e)
                        + (attempt > 1 ? " (after " + attempt + " attempts)" : ""), 0, null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(request.action + " " + request.object + ": interrupted", e);
            }
            if (probing) {
                schemes.putIfAbsent(request.registry, uri.getScheme());
            }
            collectWarnings(response);
            int status = response.statusCode();
            if (status == 401 && !authAnswered && sameHost(uri, request.registry)) {
                List<String> challenges = response.headers().allValues("WWW-Authenticate");
                if (auth.challenged(request.registry, challenges, request.scope, sentAuthorization)) {
                    close(response);
                    authAnswered = true;
                    continue;
                }
                return response;
            }
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                String location = response.headers().firstValue("Location").orElse(null);
                if (location == null || redirects >= MAX_REDIRECTS) {
                    return response;
                }
                close(response);
                redirects++;
                uri = uri.resolve(location);
                if (status == 303 || ((status == 301 || status == 302) && method.equals("POST"))) {
                    method = "GET";
                    dropBody = true;
                }
                continue;
            }
            if (RetryPolicy.isRetryableStatus(status) && request.replayable && attempt < retry.maxAttempts()) {
                Duration delay = retryAfter(response).orElse(retry.delay(attempt));
                close(response);
                pause(delay, request);
                attempt++;
                continue;
            }
            return response;
        }
    }

    private boolean sameHost(URI uri, String registry) {
        String authority = uri.getRawAuthority();
        return authority != null && authority.equalsIgnoreCase(apiHost(registry));
    }

    private static boolean isTlsOrConnectFailure(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    private void pause(Duration delay, RegistryRequest request) throws RegistryException {
        try {
            RetryPolicy.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(request.action + " " + request.object + ": interrupted", e);
        }
    }

    private java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        String value = response.headers().firstValue("Retry-After").orElse(null);
        if (value == null) {
            return java.util.Optional.empty();
        }
        value = value.trim();
        try {
            return java.util.Optional.of(retry.retryAfter(Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                long seconds = Duration.between(ZonedDateTime.now(at.getZone()), at).toSeconds();
                return java.util.Optional.of(retry.retryAfter(seconds));
            } catch (DateTimeParseException e2) {
                return java.util.Optional.empty();
            }
        }
    }

    private void collectWarnings(HttpResponse<?> response) {
        for (String value : response.headers().allValues("Warning")) {
            Matcher m = WARNING.matcher(value);
            while (m.find()) {
                warnings.add(m.group(1).replaceAll("\\\\(.)", "$1"));
            }
        }
    }

    static void close(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            if (in != null) {
                in.readNBytes(64 * 1024);
            }
        } catch (IOException ignored) {
            // the connection is dropped
        }
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The media type of a Content-Type header without parameters, lower-cased. */
    static String mediaType(HttpResponse<?> response) {
        String ct = header(response, "Content-Type");
        if (ct == null) {
            return null;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
