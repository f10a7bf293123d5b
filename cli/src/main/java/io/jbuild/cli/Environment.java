package io.jbuild.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command reads from the process around it: environment variables, the home directory,
 * standard input, whether it talks to a terminal and whether it runs as root. Tests pass their own
 * instead of changing the process environment.
 */
record Environment(Map<String, String> variables, Path home, InputStream stdin, boolean terminal,
        boolean superuser) {
    Environment {
        variables = Map.copyOf(variables);
        if (home == null || stdin == null) {
            throw new IllegalArgumentException("environment needs a home directory and standard input");
        }
    }

    /** The running process's. */
    static Environment system() {
        boolean root;
        try {
            root = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (Exception e) {
            root = "root".equals(System.getProperty("user.name"));
        }
        return new Environment(System.getenv(), Path.of(System.getProperty("user.home")), System.in,
                System.console() != null, root);
    }

    /** Variables and home as given, empty standard input, no terminal, not root. */
    static Environment of(Map<String, String> variables, Path home) {
        return new Environment(variables, home, new ByteArrayInputStream(new byte[0]), false, false);
    }

    Environment withStdin(InputStream newStdin) {
        return new Environment(variables, home, newStdin, terminal, superuser);
    }

    String get(String name) {
        String value = variables.get(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
