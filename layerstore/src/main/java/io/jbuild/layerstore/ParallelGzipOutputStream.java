package io.jbuild.layerstore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream compressed pigz-style: the input is cut into fixed 128 KiB blocks, each deflated
 * independently on a thread pool with the previous 32 KiB of input as preset dictionary, ended
 * with a sync flush so the pieces join byte-aligned; a final empty block, the CRC-32 and ISIZE
 * close one valid gzip member. The header is fixed (no name, mtime 0, OS 255), so the output
 * depends only on the input and the level — never on the number of threads.
 */
final class ParallelGzipOutputStream extends OutputStream {
    static final int BLOCK_SIZE = 128 * 1024;
    private static final int DICTIONARY_SIZE = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    /** A final fixed-Huffman block holding only end-of-block: BFINAL=1, BTYPE=01, EOB. */
    private static final byte[] FINAL_BLOCK = {0x03, 0x00};

    private final OutputStream out;
    private final int level;
    private final ExecutorService pool;
    private final int maxInFlight;
    private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private byte[] block = new byte[BLOCK_SIZE];
    private int blockLength;
    private byte[] previousTail = new byte[0];
    private long total;
    private boolean closed;

    /** {@code threads <= 1} compresses on the calling thread. */
    ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
        this.out = out;
        this.level = level;
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "gzip");
            t.setDaemon(true);
            return t;
        }) : null;
        this.maxInFlight = Math.max(1, threads * 2);
        out.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("write to closed gzip stream");
        }
        crc.update(b, off, len);
        total += len;
        while (len > 0) {
            int n = Math.min(len, BLOCK_SIZE - blockLength);
            System.arraycopy(b, off, block, blockLength, n);
            blockLength += n;
            off += n;
            len -= n;
            if (blockLength == BLOCK_SIZE) {
                submitBlock();
            }
        }
    }

    private void submitBlock() throws IOException {
        byte[] data = blockLength == block.length ? block : Arrays.copyOf(block, blockLength);
        byte[] dictionary = previousTail;
        previousTail = Arrays.copyOfRange(data, Math.max(0, data.length - DICTIONARY_SIZE), data.length);
        block = new byte[BLOCK_SIZE];
        blockLength = 0;
        if (pool == null) {
            out.write(deflate(data, dictionary, level));
            return;
        }
        inFlight.add(pool.submit(() -> deflate(data, dictionary, level)));
        while (inFlight.size() >= maxInFlight) {
            drainOne();
        }
    }

    private void drainOne() throws IOException {
        Future<byte[]> f = inFlight.poll();
        try {
            out.write(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("gzip compression interrupted");
        } catch (ExecutionException e) {
            throw new IOException("gzip compression failed: " + e.getCause(), e.getCause());
        }
    }

    static byte[] deflate(byte[] data, byte[] dictionary, int level) {
        Deflater deflater = new Deflater(level, true);
        try {
            if (dictionary.length > 0) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(data);
            ByteArrayOutputStream result = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] buf = new byte[64 * 1024];
            while (true) {
                int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                result.write(buf, 0, n);
                if (n < buf.length) {
                    break;
                }
            }
            return result.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Writes the remaining blocks and the trailer; does not close the underlying stream. */
    void finish() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (blockLength > 0) {
                submitBlock();
            }
            while (!inFlight.isEmpty()) {
                drainOne();
            }
            out.write(FINAL_BLOCK);
            long c = crc.getValue();
            long size = total & 0xffffffffL;
            out.write(new byte[] {
                    (byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                    (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
            out.flush();
        } finally {
            shutdown();
        }
    }

    private void shutdown() {
        if (pool != null) {
            for (Future<byte[]> f : inFlight) {
                f.cancel(true);
            }
            pool.shutdownNow();
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            shutdown();
            out.close();
        }
    }
}
