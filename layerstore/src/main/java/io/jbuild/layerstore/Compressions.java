package io.jbuild.layerstore;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;

/**
 * The compressions a layer blob comes in, told apart by content (as containerd and moby do,
 * whatever the media type says): gzip ({@code 1f 8b}), zstd ({@code 28 b5 2f fd}) or none.
 */
public final class Compressions {
    private Compressions() {
    }

    /** The zstd level layers are written with (zstd's and BuildKit's default). */
    static final int ZSTD_LEVEL = 3;

    /**
     * At most this many zstd workers: each holds jobs of several MiB in native memory, and four
     * already compress faster than a layer tree is read.
     */
    static final int MAX_ZSTD_WORKERS = 4;

    /** A compression recognised by its magic bytes. */
    public enum Kind { NONE, GZIP, BZIP2, XZ, ZSTD }

    /** How many leading bytes {@link #detect(byte[], int)} needs to tell every {@link Kind} apart. */
    public static final int MAGIC_LENGTH = 6;

    /** The compression of a stream starting with {@code magic} ({@link #MAGIC_LENGTH} bytes see them all). */
    public static Kind detect(byte[] magic, int length) {
        if (length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return Kind.GZIP;
        }
        if (length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
            return Kind.BZIP2;
        }
        if (length >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X'
                && magic[4] == 'Z' && magic[5] == 0) {
            return Kind.XZ;
        }
        if (length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return Kind.ZSTD;
        }
        return Kind.NONE;
    }

    /** The compression of {@code in}, which must support mark/reset; the stream is left where it was. */
    public static Kind detect(InputStream in) throws IOException {
        in.mark(MAGIC_LENGTH);
        byte[] magic = in.readNBytes(MAGIC_LENGTH);
        in.reset();
        return detect(magic, magic.length);
    }

    /**
     * {@code raw} decompressed when it is gzip or zstd (detected by content; layers are never
     * anything else), else as it is (buffered). Closing the result closes {@code raw}.
     */
    public static InputStream decompressed(InputStream raw) throws IOException {
        BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 65536);
        switch (detect(in)) {
            case GZIP:
                return new GZIPInputStream(in, 65536);
            case ZSTD:
                return zstdInput(in);
            default:
                return in;
        }
    }

    /** A zstd decoder of {@code in} (all frames; skippable frames skipped), buffered for small reads. */
    public static InputStream zstdInput(InputStream in) throws IOException {
        try {
            return new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), 65536);
        } catch (IOException | RuntimeException | LinkageError e) {
            in.close();
            throw e instanceof IOException io ? io : new IOException("start zstd decoder: " + e, e);
        }
    }

    /**
     * A zstd encoder writing to {@code target} (which the encoder's close does not close): level
     * {@link #ZSTD_LEVEL}, no checksum and no content size in the frame header, and always
     * zstd's multithreaded mode with {@code threads} workers (1 to {@link #MAX_ZSTD_WORKERS}).
     * That mode cuts the input into jobs by size alone, so the output is the same for any worker
     * count and any write sizes; only the single-threaded mode (0 workers) would differ, and it
     * is never used. {@code flush()} does nothing (a zstd flush ends a job early and so would
     * change the bytes); {@code close()} ends the frame.
     */
    static OutputStream zstdOutput(OutputStream target, int threads) throws IOException {
        ZstdOutputStreamNoFinalizer zstd;
        try {
            zstd = new ZstdOutputStreamNoFinalizer(target, ZSTD_LEVEL);
        } catch (RuntimeException | LinkageError e) {
            throw new IOException("start zstd encoder: " + e, e);
        }
        try {
            zstd.setChecksum(false);
            zstd.setWorkers(Math.max(1, Math.min(threads, MAX_ZSTD_WORKERS)));
        } catch (IOException | RuntimeException e) {
            zstd.closeWithoutClosingParentStream();
            throw e instanceof IOException io ? io : new IOException("configure zstd encoder: " + e, e);
        }
        return new FilterOutputStream(zstd) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                zstd.write(b, off, len);
            }

            @Override
            public void flush() {
                // see above: only close() ends the frame
            }

            @Override
            public void close() throws IOException {
                zstd.closeWithoutClosingParentStream();
                target.flush();
            }
        };
    }
}
