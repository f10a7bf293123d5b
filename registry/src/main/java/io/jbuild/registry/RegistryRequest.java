package io.jbuild.registry;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request to a registry, described so that the transport can repeat it (auth, redirects, retries). */
final class RegistryRequest {
    /** Produces a fresh body for each attempt. */
    @FunctionalInterface
    interface Body {
        HttpRequest.BodyPublisher publisher() throws IOException;
    }

    final String method;
    final String registry;
    /** A path with query ({@code /v2/...}) or an absolute URL (a {@code Location}). */
    final String target;
    final Scope scope;
    final String action;
    final String object;
    final Map<String, String> headers = new LinkedHashMap<>();
    Body body;
    boolean replayable = true;

    RegistryRequest(String method, String registry, String target, Scope scope, String action, String object) {
        this.method = method;
        this.registry = registry;
        this.target = target;
        this.scope = scope;
        this.action = action;
        this.object = object;
    }

    RegistryRequest header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    RegistryRequest body(Body newBody, boolean canReplay) {
        this.body = newBody;
        this.replayable = canReplay;
        return this;
    }

    RegistryRequest body(byte[] bytes) {
        return body(() -> HttpRequest.BodyPublishers.ofByteArray(bytes), true);
    }
}
