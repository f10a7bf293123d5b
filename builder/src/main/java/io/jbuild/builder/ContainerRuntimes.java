package io.jbuild.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Chooses the container runtime for RUN steps. */
public final class ContainerRuntimes {
    static final String NO_RUNTIME_WARNING =
            "no OCI runtime (runc, crun) found; running RUN steps with the built-in namespace isolation";
    private static final Map<Path, Boolean> PROBED = new ConcurrentHashMap<>();

    private ContainerRuntimes() {
    }

    /**
     * The runtime at {@code explicit} ({@code --runtime}; runc and crun alike, named after the
     * file), else the first of {@code runc} and {@code crun} on the PATH that answers
     * {@code --version}, else the built-in isolation (with a warning to {@code warnings}).
     *
     * @throws BuildException when {@code explicit} is not an executable file
     */
    public static ContainerRuntime detect(Path explicit, Consumer<String> warnings) throws BuildException {
        if (explicit != null) {
            if (explicit.getFileName() != null && explicit.getFileName().toString().equals("builtin")
                    && !Files.exists(explicit)) {
                return new BuiltinRuntime();
            }
            Path binary = explicit;
            if (!explicit.toString().contains("/")) {
                binary = HostTools.find(explicit.toString()).orElse(explicit);
            }
            if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
                throw new BuildException("use container runtime " + explicit + ": not an executable file");
            }
            return new RuncRuntime(binary.toAbsolutePath());
        }
        for (String name : List.of("runc", "crun")) {
            Optional<Path> binary = HostTools.find(name);
            if (binary.isPresent() && works(binary.get())) {
                return new RuncRuntime(binary.get());
            }
        }
        warnings.accept(NO_RUNTIME_WARNING);
        return new BuiltinRuntime();
    }

    /** Whether {@code binary --version} exits 0 within five seconds; asked once per binary. */
    private static boolean works(Path binary) {
        return PROBED.computeIfAbsent(binary, b -> {
            try {
                Process p = new ProcessBuilder(b.toString(), "--version").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
                return p.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }
}
