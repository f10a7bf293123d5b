package io.jbuild.layerstore;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decompresses a stream through an installed command ({@code zstd -dc}, {@code xz -dc}) for the
 * formats the JDK and commons-compress cannot read on their own. A thread feeds the compressed
 * bytes to the command; reading the result to its end checks the command's exit status, so a
 * corrupt or truncated input is an {@link IOException} naming the command and its message.
 */
final class ProcessDecompressor extends FilterInputStream {
    private final Process process;
    private final Thread feeder;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread stderrReader;
    private final String command;
    private volatile IOException feedFailure;
    private boolean checked;

    private ProcessDecompressor(Process process, InputStream compressed, String command) {
        super(process.getInputStream());
        this.process = process;
        this.command = command;
        this.feeder = new Thread(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                compressed.transferTo(stdin);
            } catch (IOException e) {
                if (process.isAlive()) {
                    feedFailure = e;
                }
            }
        }, command + "-feeder");
        this.stderrReader = new Thread(() -> {
            try {
                process.getErrorStream().transferTo(stderr);
            } catch (IOException ignored) {
                // the command ended
            }
        }, command + "-stderr");
        feeder.setDaemon(true);
        stderrReader.setDaemon(true);
        feeder.start();
        stderrReader.start();
    }

    /** Starts {@code command} (for example {@code zstd -dc}) on {@code compressed}. */
    static InputStream open(InputStream compressed, List<String> command) throws StoreException {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new StoreException("decompress with " + command.get(0) + ": cannot run it (" + e.getMessage()
                    + "); install it or decompress the archive first", e);
        }
        return new ProcessDecompressor(process, compressed, String.join(" ", command));
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            check();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            check();
        }
        return n;
    }

    private void check() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException(command + " did not exit");
            }
            feeder.join(10_000);
            stderrReader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for " + command);
        }
        if (process.exitValue() != 0) {
            throw new IOException(command + " failed: " + stderr.toString(StandardCharsets.UTF_8).strip());
        }
        if (feedFailure != null) {
            throw feedFailure;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
