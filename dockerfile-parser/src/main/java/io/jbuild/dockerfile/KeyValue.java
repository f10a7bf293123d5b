package io.jbuild.dockerfile;

import java.util.Objects;

/** One {@code key=value} pair of ENV or LABEL, as written (quotes are removed by expansion). */
public record KeyValue(String key, String value) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
