package io.jbuild.layerstore;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A content digest {@code algorithm:encoded} as defined by the OCI image spec.
 *
 * <p>Any algorithm matching the spec's general grammar is accepted; for the registered ones
 * ({@code sha256}, {@code sha384}, {@code sha512}) the encoded part must be lower-case hex of
 * the exact length, and only those can be computed and verified.
 */
public record Digest(String algorithm, String encoded) implements Comparable<Digest> {
    private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
    private static final Pattern ENCODED = Pattern.compile("[a-zA-Z0-9=_-]+");
    private static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]+");
    private static final Map<String, Integer> REGISTERED = Map.of("sha256", 64, "sha384", 96, "sha512", 128);

    public static final String SHA256 = "sha256";
    public static final String SHA512 = "sha512";

    public Digest {
        if (algorithm == null || !ALGORITHM.matcher(algorithm).matches()) {
            throw new IllegalArgumentException("invalid digest algorithm \"" + algorithm + "\"");
        }
        if (encoded == null || !ENCODED.matcher(encoded).matches()) {
            throw new IllegalArgumentException("invalid digest encoding \"" + encoded + "\" for " + algorithm);
        }
        Integer length = REGISTERED.get(algorithm);
        if (length != null && (encoded.length() != length || !LOWER_HEX.matcher(encoded).matches())) {
            throw new IllegalArgumentException("invalid " + algorithm + " digest \"" + encoded
                    + "\": expected " + length + " lower-case hex characters");
        }
    }

    /** Parses user input such as {@code sha256:ab12...}. */
    public static Digest parse(String text) throws InvalidValueException {
        try {
            return fromString(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("parse digest \"" + text + "\": " + e.getMessage());
        }
    }

    /** Trusted text form; throws {@link IllegalArgumentException} when malformed (used by JSON binding). */
    @JsonCreator
    public static Digest fromString(String text) {
        if (text == null) {
            throw new IllegalArgumentException("digest is missing");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("invalid digest \"" + text + "\": expected algorithm:encoded");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The digest of a sha256 hex string (for example a directory name). */
    public static Digest sha256(String hex) {
        return new Digest(SHA256, hex);
    }

    /** The sha256 digest of the given bytes. */
    public static Digest of(byte[] bytes) {
        return of(SHA256, bytes);
    }

    public static Digest of(String algorithm, byte[] bytes) {
        MessageDigest md = newMessageDigest(algorithm);
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest(bytes)));
    }

    /** Whether this digest's algorithm can be computed here. */
    public boolean isVerifiable() {
        return REGISTERED.containsKey(algorithm);
    }

    /** A fresh {@link MessageDigest} for this digest's algorithm. */
    public MessageDigest newMessageDigest() {
        return newMessageDigest(algorithm);
    }

    static MessageDigest newMessageDigest(String algorithm) {
        if (!REGISTERED.containsKey(algorithm)) {
            throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        }
        try {
            return MessageDigest.getInstance(switch (algorithm) {
                case "sha256" -> "SHA-256";
                case "sha384" -> "SHA-384";
                default -> "SHA-512";
            });
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The encoded part; for sha256/sha512 that is the lower-case hex string. */
    public String hex() {
        return encoded;
    }

    @JsonValue
    @Override
    public String toString() {
        return algorithm + ":" + encoded;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }
}
