package io.jbuild.layerstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locates /work/shared/conformance and reads its INDEX.tsv files. */
final class Conformance {
    private Conformance() {
    }

    static Path root() {
        String prop = System.getProperty("jbuild.conformance");
        if (prop != null && !prop.isEmpty()) {
            return Path.of(prop);
        }
        return Path.of("").toAbsolutePath().getParent().resolve("../shared/conformance").normalize();
    }

    static Path ociImageSpec() {
        return root().resolve("oci-image-spec");
    }

    /** Rows of a TSV file without its header line. */
    static List<String[]> tsv(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isBlank()) {
                    rows.add(line.split("\t", -1));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
