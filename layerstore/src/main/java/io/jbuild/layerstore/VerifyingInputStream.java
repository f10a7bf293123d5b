package io.jbuild.layerstore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Passes bytes through while hashing them; at end of stream throws
 * {@link DigestMismatchException} if the size or digest differ from what was expected.
 * Skipping is done by reading so that every byte is hashed.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final MessageDigest md;
    private long count;
    private boolean verified;

    VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.md = expected.newMessageDigest();
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            verify();
        } else {
            md.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            verify();
        } else {
            md.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    private void verify() throws DigestMismatchException {
        if (verified) {
            return;
        }
        verified = true;
        Digest actual = new Digest(expected.algorithm(), HexFormat.of().formatHex(md.digest()));
        if (expectedSize >= 0 && count != expectedSize) {
            throw new DigestMismatchException("verify blob " + expected + ": expected " + expectedSize
                    + " bytes, read " + count + " (digest " + actual + ")", expected, actual);
        }
        if (!actual.equals(expected)) {
            throw new DigestMismatchException("verify blob " + expected + ": content has digest " + actual
                    + "; the store is corrupted, remove the blob and pull or build it again", expected, actual);
        }
    }
}
