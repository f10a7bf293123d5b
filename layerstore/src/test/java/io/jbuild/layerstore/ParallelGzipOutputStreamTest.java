package io.jbuild.layerstore;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ParallelGzipOutputStreamTest {
    private static byte[] sample(int size) {
        byte[] data = new byte[size];
        Random r = new Random(size);
        for (int i = 0; i < size; i++) {
            // compressible text with some noise, so dictionaries matter
            data[i] = (i / 7) % 3 == 0 ? (byte) r.nextInt() : (byte) ("layer tar content ".charAt(i % 18));
        }
        return data;
    }

    private static byte[] gzip(byte[] data, int threads, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, threads)) {
            for (int off = 0; off < data.length; off += chunk) {
                gz.write(data, off, Math.min(chunk, data.length - off));
            }
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 1000, ParallelGzipOutputStream.BLOCK_SIZE, ParallelGzipOutputStream.BLOCK_SIZE + 1,
            3 * 1024 * 1024 + 17})
    void write_anySize_isValidGzipWithSameBytesForAnyThreadCount(int size) throws IOException {
        byte[] data = sample(size);
        byte[] serial = gzip(data, 1, 4096);
        byte[] parallel = gzip(data, 4, 100_003);
        assertArrayEquals(serial, parallel);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(parallel))) {
            assertArrayEquals(data, in.readAllBytes()); // GZIPInputStream checks CRC32 and ISIZE
        }
    }

    @Test
    void header_isDeterministic() throws IOException {
        byte[] gz = gzip(new byte[] {1, 2, 3}, 1, 3);
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, Arrays.copyOf(gz, 10));
    }

    @Test
    void write_compressibleInput_compresses() throws IOException {
        byte[] data = new byte[1 << 20];
        Arrays.fill(data, (byte) 'a');
        byte[] gz = gzip(data, 2, 8192);
        assertEquals(true, gz.length < 20_000, "compressed to " + gz.length);
    }
}
