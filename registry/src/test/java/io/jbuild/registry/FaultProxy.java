package io.jbuild.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy in front of a registry that injects faults: each {@link Fault} fires once for the
 * first request it matches (or always when {@code times} is negative). {@code Location} headers
 * are rewritten so that the client keeps talking through the proxy.
 */
final class FaultProxy implements AutoCloseable {
    enum Kind { STATUS_500, STATUS_429, DROP_MID_BODY, DROP_BEFORE_ANSWER, STALL }

    /** A fault for requests whose method is {@code method} and whose path contains {@code pathPart}. */
    static final class Fault {
        final String method;
        final String pathPart;
        final Kind kind;
        int times;
        final Set<String> firedFor = ConcurrentHashMap.newKeySet();
        final boolean perPath;

        Fault(String method, String pathPart, Kind kind, int times, boolean perPath) {
            this.method = method;
            this.pathPart = pathPart;
            this.kind = kind;
            this.times = times;
            this.perPath = perPath;
        }

        synchronized boolean fires(String m, String path) {
            if (!m.equals(method) || !path.contains(pathPart)) {
                return false;
            }
            if (perPath) {
                String key = path.replaceAll("\\?.*", "");
                return times < 0 || firedFor.add(key);
            }
            if (times < 0) {
                return true;
            }
            if (times == 0) {
                return false;
            }
            times--;
            return true;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String upstream;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    final List<String> fired = new CopyOnWriteArrayList<>();

    FaultProxy(String upstreamHost) throws IOException {
        this.upstream = upstreamHost;
        server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    FaultProxy fault(String method, String pathPart, Kind kind) {
        faults.add(new Fault(method, pathPart, kind, 1, false));
        return this;
    }

    /** Fires once for each distinct path matching. */
    FaultProxy faultPerPath(String method, String pathPart, Kind kind) {
        faults.add(new Fault(method, pathPart, kind, 1, true));
        return this;
    }

    FaultProxy faultAlways(String method, String pathPart, Kind kind) {
        faults.add(new Fault(method, pathPart, kind, -1, false));
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().toString();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Kind kind = null;
            for (Fault f : faults) {
                if (f.fires(method, path)) {
                    kind = f.kind;
                    fired.add(kind + " " + method + " " + path);
                    break;
                }
            }
            if (kind == Kind.STATUS_500 || kind == Kind.STATUS_429) {
                if (kind == Kind.STATUS_429) {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                }
                byte[] err = ("{\"errors\":[{\"code\":\"" + (kind == Kind.STATUS_429 ? "TOOMANYREQUESTS" : "UNKNOWN")
                        + "\",\"message\":\"injected\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(kind == Kind.STATUS_429 ? 429 : 500,
                        method.equals("HEAD") ? -1 : err.length);
                if (!method.equals("HEAD")) {
                    exchange.getResponseBody().write(err);
                }
                return;
            }
            if (kind == Kind.DROP_BEFORE_ANSWER) {
                throw new IOException("injected: connection dropped");
            }
            if (kind == Kind.STALL) {
                try {
                    Thread.sleep(4000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("injected: stalled");
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create("http://" + upstream + path))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                String name = h.getKey();
                if (Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding")
                        .contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    continue;
                }
                for (String v : h.getValue()) {
                    forward.header(name, v);
                }
            }
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            String contentLength = null;
            for (Map.Entry<String, List<String>> h : answer.headers().map().entrySet()) {
                String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
                if (name.equals("content-length")) {
                    contentLength = h.getValue().get(0);
                    continue;
                }
                if (Set.of("transfer-encoding", "connection", "date", ":status").contains(name)) {
                    continue;
                }
                for (String v : h.getValue()) {
                    exchange.getResponseHeaders().add(h.getKey(), name.equals("location")
                            ? v.replace("http://" + upstream, "http://" + host()) : v);
                }
            }
            byte[] out = answer.body();
            if (method.equals("HEAD") || out.length == 0) {
                if (method.equals("HEAD") && contentLength != null) {
                    exchange.getResponseHeaders().set("Content-Length", contentLength);
                }
                exchange.sendResponseHeaders(answer.statusCode(), -1);
                return;
            }
            exchange.sendResponseHeaders(answer.statusCode(), out.length);
            if (kind == Kind.DROP_MID_BODY) {
                exchange.getResponseBody().write(out, 0, out.length / 2);
                exchange.getResponseBody().flush();
                throw new IOException("injected: connection dropped mid-body");
            }
            exchange.getResponseBody().write(out);
        } catch (IOException e) {
            // closing the exchange without a complete answer drops the connection
            throw e;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
