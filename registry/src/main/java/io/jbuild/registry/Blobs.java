package io.jbuild.registry;

import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Shared bits of the blob endpoints. */
final class Blobs {
    private Blobs() {
    }

    static String path(ImageReference repo, Digest digest) {
        return "/v2/" + repo.repository() + "/blobs/" + digest;
    }

    static String describe(ImageReference repo, Digest digest) {
        return "blob " + digest + " in " + repo.name();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Adds {@code name=value} to a URL, keeping its existing query parameters (upload state tokens). */
    static String withParameter(URI uri, String name, String value) {
        String s = uri.toString();
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        String sep = uri.getRawQuery() == null ? "?" : (s.endsWith("?") || s.endsWith("&") ? "" : "&");
        return s + sep + encode(name) + "=" + encode(value);
    }
}
