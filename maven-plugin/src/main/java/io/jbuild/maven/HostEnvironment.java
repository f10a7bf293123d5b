package io.jbuild.maven;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the goals read from the process around them: environment variables, the home directory and
 * whether Maven runs as root. Tests pass their own instead of changing the process environment.
 *
 * @param variables the environment variables
 * @param home the user's home directory
 * @param superuser whether the process runs as root (uid 0)
 */
record HostEnvironment(Map<String, String> variables, Path home, boolean superuser) {
    HostEnvironment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(home, "home");
    }

    /** The running Maven's. */
    static HostEnvironment system() {
        boolean root;
        try {
            root = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (Exception e) {
            root = "root".equals(System.getProperty("user.name"));
        }
        return new HostEnvironment(System.getenv(), Path.of(System.getProperty("user.home")), root);
    }

    /** A variable's value, null when it is unset or empty. */
    String get(String name) {
        String value = variables.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * The jbuild store directory, by the CLI's rule: {@code configured} if given, else
     * {@code $JBUILD_ROOT}, else {@code /var/lib/jbuild} as root, else {@code $XDG_DATA_HOME/jbuild}
     * or {@code ~/.local/share/jbuild}.
     */
    Path storeRoot(Path configured) {
        if (configured != null) {
            return configured;
        }
        if (get("JBUILD_ROOT") != null) {
            return Path.of(get("JBUILD_ROOT"));
        }
        if (superuser) {
            return Path.of("/var/lib/jbuild");
        }
        if (get("XDG_DATA_HOME") != null) {
            return Path.of(get("XDG_DATA_HOME"), "jbuild");
        }
        return home.resolve(".local").resolve("share").resolve("jbuild");
    }
}
