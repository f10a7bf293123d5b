package io.jbuild.builder;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Programs of the host that the runtimes run outside the container (never inside it). */
final class HostTools {
    private static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");

    private HostTools() {
    }

    /** {@code name} in the host's PATH or a system directory. */
    static Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String d : dirs) {
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /**
     * The command line of a host tool: the program itself, or {@code busybox name} when only
     * busybox has it.
     */
    static Optional<List<String>> command(String name) {
        Optional<Path> p = find(name);
        if (p.isPresent()) {
            return Optional.of(List.of(p.get().toString()));
        }
        return find("busybox").map(b -> List.of(b.toString(), name));
    }
}
