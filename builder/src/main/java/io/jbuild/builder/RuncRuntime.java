package io.jbuild.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs containers with an OCI runtime's command line ({@code runc}, or {@code crun}, which takes
 * the same commands): {@code <runtime> --root <bundle>/state run --bundle <bundle> <id>}, with
 * the runtime's own errors logged as JSON to {@code <bundle>/runtime.log}.
 *
 * <p>A new network namespace gets loopback up from the runtime itself; for
 * {@link NetworkMode#NONE} a {@code createRuntime} hook takes it down again with the host's
 * {@code nsenter} and {@code ip} (when the host has them; else loopback stays up). No cgroups path
 * is set: the runtime makes one named after the container under its own cgroup, which works on
 * cgroup v1, hybrid and v2 hosts alike.
 *
 * <p>A foreground {@code runc run} copies the container's stdout and stderr through two pipes of
 * its own into ours, so each stream is in order but writes to both within a moment of each other
 * may arrive swapped (BuildKit's runc executor has the same two streams).
 */
final class RuncRuntime implements ContainerRuntime {
    private static final ObjectMapper LOG_READER = new ObjectMapper();
    private static final long KILL_WAIT_MILLIS = 10_000;

    private final Path binary;
    private final String name;

    RuncRuntime(Path binary) {
        this.binary = binary;
        String file = binary.getFileName().toString();
        this.name = file.startsWith("crun") ? "crun" : file.startsWith("runc") ? "runc" : file;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + " (" + binary + ")";
    }

    Path binary() {
        return binary;
    }

    @Override
    public int run(ContainerSpec spec, Path bundleDir, OutputStream output) throws BuildException, InterruptedException {
        Path state = bundleDir.resolve("state");
        Path log = bundleDir.resolve("runtime.log");
        MountStubs stubs;
        try {
            stubs = MountStubs.scan(spec.rootfs(), OciBundle.rootfsMountPoints(spec));
            OciBundle.write(spec, bundleDir, spec.network() == NetworkMode.NONE ? loopbackDownHook() : List.of());
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new BuildException("prepare container " + spec.id() + ": " + e.getMessage(), e);
        }
        try {
            ContainerProcess process;
            try {
                process = ContainerProcess.start(List.of(binary.toString(), "--root", state.toString(), "--log",
                        log.toString(), "--log-format", "json", "run", "--bundle", bundleDir.toString(), spec.id()),
                        null, bundleDir, output, name + " " + spec.id());
            } catch (IOException e) {
                throw new BuildException("start container " + spec.id() + " with " + binary + ": " + e.getMessage(), e);
            }
            int status;
            try {
                status = process.waitFor();
            } catch (InterruptedException e) {
                kill(spec.id(), state, process);
                throw e;
            } catch (IOException e) {
                kill(spec.id(), state, process);
                throw new BuildException("copy output of container " + spec.id() + ": " + e.getMessage(), e);
            }
            Optional<String> error = status == 0 ? Optional.empty() : runtimeError(log);
            if (error.isPresent()) {
                throw new BuildException("run container " + spec.id() + " with " + name + ": " + error.get());
            }
            return status;
        } finally {
            delete(spec.id(), state);
            stubs.remove();
        }
    }

    /**
     * The runtime's last error from its JSON log, if it logged one: the container could not be
     * started (asked only after a non-zero exit, which a failed start gives).
     */
    static Optional<String> runtimeError(Path log) {
        String last = null;
        try {
            if (!Files.exists(log)) {
                return Optional.empty();
            }
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                try {
                    JsonNode entry = LOG_READER.readTree(line);
                    if (entry != null && entry.path("level").asText().matches("error|fatal")) {
                        last = entry.path("msg").asText();
                    }
                } catch (IOException e) {
                    // a line that is not JSON (crun's plain format)
                    if (!line.isBlank()) {
                        last = line;
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(last);
    }

    /**
     * Kills the container and waits for the runtime to exit. A start may still be under way, so
     * the container is killed and deleted again every few milliseconds while its state exists and
     * the runtime runs; a runtime that does not exit in time is killed itself.
     */
    private void kill(String id, Path state, ContainerProcess process) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_WAIT_MILLIS);
        while (process.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(state.resolve(id).resolve("state.json"))) {
                quietly(List.of(binary.toString(), "--root", state.toString(), "kill", id, "KILL"));
                quietly(List.of(binary.toString(), "--root", state.toString(), "delete", "-f", id));
            }
            try {
                process.awaitExit(20);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        process.awaitOrKill(0);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void delete(String id, Path state) {
        if (Files.exists(state.resolve(id))) {
            quietly(List.of(binary.toString(), "--root", state.toString(), "delete", "-f", id));
        }
    }

    /** Runs a runtime command to completion even when interrupted; the interrupt is kept. */
    private static void quietly(List<String> command) {
        boolean interrupted = Thread.interrupted();
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            while (true) {
                try {
                    if (!p.waitFor(KILL_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (IOException e) {
            // nothing more to do
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@code sh -c} reading the container state from stdin and setting loopback down in the
     * container's network namespace; empty when the host lacks the tools.
     */
    static List<String> loopbackDownHook() {
        Optional<Path> sh = HostTools.find("sh");
        Optional<List<String>> nsenter = HostTools.command("nsenter");
        Optional<List<String>> ip = HostTools.command("ip");
        if (sh.isEmpty() || nsenter.isEmpty() || ip.isEmpty()) {
            return List.of();
        }
        List<String> command = new ArrayList<>(nsenter.get());
        command.add("--net=/proc/$pid/ns/net");
        command.addAll(ip.get());
        command.addAll(List.of("link", "set", "lo", "down"));
        StringBuilder script = new StringBuilder("IFS= read -r s; pid=${s#*\\\"pid\\\":}; pid=${pid# }; "
                + "pid=${pid%%[!0-9]*}; exec");
        for (String c : command) {
            script.append(' ').append(c.contains("$pid") ? '"' + c + '"' : Shell.quote(c));
        }
        return List.of(sh.get().toString(), "-c", script.toString());
    }
}
