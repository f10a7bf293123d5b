package io.jbuild.layerstore;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Sits directly under a {@code TarArchiveInputStream} and follows the tar block structure of the
 * bytes it consumes, keeping the raw bytes of PAX records. commons-compress decodes PAX values as
 * UTF-8 text, which corrupts binary xattrs ({@code security.capability}); {@link #records()}
 * gives the exact bytes for the entry whose header was read last. Skips are done by reading so
 * every byte is seen.
 */
final class PaxTap extends FilterInputStream {
    private enum State { HEADER, PAX, SKIP }

    private final byte[] header = new byte[512];
    private int headerFill;
    private State state = State.HEADER;
    private long remaining;
    private long paddingAfterPax;
    private ByteArrayOutputStream pax;
    private Map<String, byte[]> pending = new HashMap<>();
    private Map<String, byte[]> current = Collections.emptyMap();

    PaxTap(InputStream in) {
        super(in);
    }

    /** Raw PAX records (key → value bytes) of the entry whose header was consumed last. */
    Map<String, byte[]> records() {
        return current;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            observe(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            observe(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void observe(byte[] b, int off, int len) {
        while (len > 0) {
            switch (state) {
                case HEADER -> {
                    int n = Math.min(len, 512 - headerFill);
                    System.arraycopy(b, off, header, headerFill, n);
                    headerFill += n;
                    off += n;
                    len -= n;
                    if (headerFill == 512) {
                        headerFill = 0;
                        headerComplete();
                    }
                }
                case PAX -> {
                    int n = (int) Math.min(len, remaining);
                    pax.write(b, off, n);
                    remaining -= n;
                    off += n;
                    len -= n;
                    if (remaining == 0) {
                        pending.putAll(parse(pax.toByteArray()));
                        state = paddingAfterPax > 0 ? State.SKIP : State.HEADER;
                        remaining = paddingAfterPax;
                    }
                }
                case SKIP -> {
                    int n = (int) Math.min(len, remaining);
                    remaining -= n;
                    off += n;
                    len -= n;
                    if (remaining == 0) {
                        state = State.HEADER;
                    }
                }
            }
        }
    }

    private void headerComplete() {
        boolean zero = true;
        for (byte x : header) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            return; // end-of-archive blocks
        }
        byte type = header[156];
        long size = parseSize();
        long padded = (size + 511) / 512 * 512;
        if (type == 'x') {
            pax = new ByteArrayOutputStream((int) Math.min(size, 1 << 20));
            remaining = size;
            paddingAfterPax = padded - size;
            state = size > 0 ? State.PAX : State.HEADER;
            return;
        }
        if (type == 'g' || type == 'L' || type == 'K') {
            remaining = padded;
            state = padded > 0 ? State.SKIP : State.HEADER;
            return;
        }
        current = pending;
        pending = new HashMap<>();
        byte[] paxSize = current.get("size");
        if (paxSize != null) {
            try {
                padded = (Long.parseLong(new String(paxSize, StandardCharsets.US_ASCII).trim()) + 511) / 512 * 512;
            } catch (NumberFormatException ignored) {
                // commons-compress will report the malformed size
            }
        }
        boolean hasData = type == '0' || type == 0 || type == '7' || type == 'S';
        remaining = hasData ? padded : 0;
        state = remaining > 0 ? State.SKIP : State.HEADER;
    }

    private long parseSize() {
        if ((header[124] & 0x80) != 0) {
            long v = 0;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (header[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = 124; i < 136; i++) {
            byte c = header[i];
            if (c >= '0' && c <= '7') {
                v = v * 8 + (c - '0');
            } else if (c == 0 || (c == ' ' && v > 0)) {
                break;
            }
        }
        return v;
    }

    /** Parses {@code "<len> key=value\n"} records; malformed input ends the parse. */
    static Map<String, byte[]> parse(byte[] data) {
        Map<String, byte[]> result = new HashMap<>();
        int pos = 0;
        while (pos < data.length) {
            int sp = pos;
            int len = 0;
            while (sp < data.length && data[sp] >= '0' && data[sp] <= '9') {
                len = len * 10 + (data[sp] - '0');
                sp++;
            }
            if (sp >= data.length || data[sp] != ' ' || len <= 0 || pos + len > data.length) {
                break;
            }
            int end = pos + len - 1; // the newline
            int eq = sp + 1;
            while (eq < end && data[eq] != '=') {
                eq++;
            }
            if (eq >= end) {
                break;
            }
            String key = new String(data, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end);
            result.put(key, value);
            pos += len;
        }
        return result;
    }
}
