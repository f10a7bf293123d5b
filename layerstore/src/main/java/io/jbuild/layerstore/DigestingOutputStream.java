package io.jbuild.layerstore;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Passes bytes through while hashing and counting them. Does not close the wrapped stream. */
final class DigestingOutputStream extends FilterOutputStream {
    private final String algorithm;
    private final MessageDigest md;
    private long count;

    DigestingOutputStream(OutputStream out, String algorithm) {
        super(out);
        this.algorithm = algorithm;
        this.md = Digest.newMessageDigest(algorithm);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        md.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        md.update(b, off, len);
        count += len;
    }

    @Override
    public void close() throws IOException {
        flush();
    }

    long count() {
        return count;
    }

    /** The digest of everything written so far; call once, at the end. */
    Digest digest() {
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest()));
    }
}
