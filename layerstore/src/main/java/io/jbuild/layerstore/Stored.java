package io.jbuild.layerstore;

import java.util.Arrays;

/**
 * A JSON document together with the exact bytes that were (or will be) digested. Never
 * re-serialise a parsed manifest or config to compute its digest: use {@link #bytes()}.
 */
public record Stored<T>(T value, byte[] bytes, Digest digest) {
    public Stored {
        if (value == null || bytes == null || digest == null) {
            throw new IllegalArgumentException("stored document needs value, bytes and digest");
        }
        bytes = bytes.clone();
        if (digest.isVerifiable() && !Digest.of(digest.algorithm(), bytes).equals(digest)) {
            throw new IllegalArgumentException("stored document bytes do not match digest " + digest);
        }
    }

    /** Serialises {@code value} with {@link Json} and digests the result (sha256). */
    public static <T> Stored<T> of(T value) {
        byte[] bytes = Json.write(value);
        return new Stored<>(value, bytes, Digest.of(bytes));
    }

    /** Parses {@code bytes}, keeping them as they are. */
    public static <T> Stored<T> parse(byte[] bytes, Class<T> type) throws InvalidDocumentException {
        return new Stored<>(Json.read(bytes, type), bytes, Digest.of(bytes));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public long size() {
        return bytes.length;
    }

    public Descriptor descriptor(String mediaType) {
        return Descriptor.of(mediaType, digest, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Stored<?> s && s.digest.equals(digest) && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return "Stored[" + digest + ", " + bytes.length + " bytes]";
    }
}
