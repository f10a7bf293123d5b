package io.jbuild.builder;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A runtime's host process (runc, unshare) with stdin from {@code /dev/null} and stdout and
 * stderr merged into one pipe, copied to an output stream as it arrives by a pump thread, so that
 * the calling thread can wait interruptibly.
 */
final class ContainerProcess {
    private static final File DEV_NULL = new File("/dev/null");

    private final Process process;
    private final Thread pump;
    private volatile IOException outputFailure;

    private ContainerProcess(Process process, OutputStream output, String name) {
        this.process = process;
        this.pump = new Thread(() -> copy(process.getInputStream(), output), "output of " + name);
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /**
     * Starts {@code command}; {@code environment} replaces the inherited one when not null.
     */
    static ContainerProcess start(List<String> command, Map<String, String> environment, Path directory,
                                  OutputStream output, String name) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        if (environment != null) {
            pb.environment().clear();
            pb.environment().putAll(environment);
        }
        return new ContainerProcess(pb.start(), output, name);
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the process to exit and its output to be copied; returns its exit status. */
    int waitFor() throws InterruptedException, IOException {
        int status = process.waitFor();
        pump.join();
        if (outputFailure != null) {
            throw outputFailure;
        }
        return status;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits at most {@code millis} for the process to exit. */
    void awaitExit(long millis) throws InterruptedException {
        process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits without being interruptible for at most {@code millis}, then kills the process and
     * its descendants (and stops waiting for its output); an interrupt arriving meanwhile is kept
     * for the caller.
     */
    void awaitOrKill(long millis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (true) {
                try {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                        // its children too: a runtime killed mid-start leaves its init waiting otherwise
                        process.descendants().forEach(ProcessHandle::destroyForcibly);
                        process.destroyForcibly();
                        process.waitFor(5, TimeUnit.SECONDS);
                    }
                    pump.join(2000);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void copy(InputStream in, OutputStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (outputFailure == null) {
                    try {
                        out.write(buffer, 0, n);
                        out.flush();
                    } catch (IOException e) {
                        outputFailure = e; // keep draining so that the container does not block
                    }
                }
            }
        } catch (IOException e) {
            // the pipe was closed by a kill
        }
    }
}
