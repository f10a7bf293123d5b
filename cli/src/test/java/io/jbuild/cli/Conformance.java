package io.jbuild.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared conformance data is: the {@code jbuild.conformance} property, else ../shared/conformance. */
final class Conformance {
    private Conformance() {
    }

    static Path dir() {
        String prop = System.getProperty("jbuild.conformance");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "conformance");
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("conformance data not found at " + p.toAbsolutePath()
                    + "; it lives in ../shared/conformance beside the repository");
        }
        return p;
    }
}
