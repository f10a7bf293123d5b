package io.jbuild.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One case of the build corpus, {@code testdata/builds/<name>/}: the Dockerfile, the context dir and
 * the options of its {@code build.json} (testdata/README.md describes them).
 *
 * @param expectedError substrings the failing build's error output must contain; empty for a build that succeeds
 * @param parent        a Dockerfile (relative to the case dir) built and pushed first, its reference passed as
 *                      the build arg {@code parentArg}; null when the case has none
 * @param buildahDockerfile an equivalent Dockerfile (relative to the case dir) the expectation is generated from
 *                      when buildah cannot build the case's own; null to use the case's Dockerfile
 * @param buildahContext the context dir for {@code buildahDockerfile}; null for the case's context
 */
public record BuildCase(String name, Path dir, Map<String, String> buildArgs, String target,
                        Map<String, String> secrets, String network, List<String> expectedError,
                        String expectedFrom, String parent, String parentArg, String buildahDockerfile,
                        String buildahContext) {
    public static final String BASE_ARG = "BASE";

    public BuildCase {
        buildArgs = Map.copyOf(buildArgs);
        secrets = Map.copyOf(secrets);
        expectedError = List.copyOf(expectedError);
    }

    /** The corpus root: system property {@code jbuild.testdata} + {@code /builds}, else {@code ../testdata/builds}. */
    public static Path corpusRoot() {
        String prop = System.getProperty("jbuild.testdata");
        Path testdata = prop != null && !prop.isBlank() ? Path.of(prop) : Path.of("..", "testdata");
        return testdata.resolve("builds").toAbsolutePath().normalize();
    }

    /** Every case of the corpus, sorted by name. */
    public static List<BuildCase> all() throws IOException {
        Path root = corpusRoot();
        if (!Files.isDirectory(root)) {
            throw new IOException("read build corpus " + root + ": not a directory (set -Djbuild.testdata)");
        }
        List<BuildCase> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                if (Files.isRegularFile(d.resolve("Dockerfile"))) {
                    cases.add(load(d));
                }
            }
        }
        return cases;
    }

    /** Reads a case dir. */
    public static BuildCase load(Path dir) throws IOException {
        Map<String, String> args = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        String target = null;
        String network = null;
        String from = null;
        String parent = null;
        String parentArg = null;
        String buildahDockerfile = null;
        String buildahContext = null;
        Path json = dir.resolve("build.json");
        if (Files.exists(json)) {
            JsonNode n = new ObjectMapper().readTree(json.toFile());
            n.path("buildArgs").fields().forEachRemaining(e -> args.put(e.getKey(), e.getValue().asText()));
            n.path("secrets").fields().forEachRemaining(e -> secrets.put(e.getKey(), e.getValue().asText()));
            n.path("expectedError").forEach(e -> errors.add(e.asText()));
            target = n.hasNonNull("target") ? n.get("target").asText() : null;
            network = n.hasNonNull("network") ? n.get("network").asText() : null;
            from = n.hasNonNull("expectedFrom") ? n.get("expectedFrom").asText() : null;
            if (n.has("parent")) {
                parent = n.path("parent").path("dockerfile").asText();
                parentArg = n.path("parent").path("buildArg").asText("PARENT");
            }
            if (n.has("buildah")) {
                buildahDockerfile = n.path("buildah").hasNonNull("dockerfile") ? n.path("buildah").get("dockerfile").asText() : null;
                buildahContext = n.path("buildah").hasNonNull("context") ? n.path("buildah").get("context").asText() : null;
            }
        }
        return new BuildCase(dir.getFileName().toString(), dir, args, target, secrets, network, errors, from, parent,
                parentArg, buildahDockerfile, buildahContext);
    }

    public Path dockerfile() {
        return dir.resolve("Dockerfile");
    }

    /** The build context, {@code context/}; a case without that directory has an empty context. */
    public Path context() {
        return dir.resolve("context");
    }

    /**
     * Copies {@code source} (a context dir) to {@code target} as a git checkout under umask 022 has it,
     * whatever the umask of the checkout at hand: directories 0755, files 0755 when their owner may
     * execute them, else 0644; symlinks as they are. Builds use the copy, so that expectations do not
     * depend on how the repository was checked out. A missing {@code source} gives an empty dir.
     */
    public static Path normalisedCopy(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        if (!Files.exists(source)) {
            return target;
        }
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : paths.sorted().toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(to, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(p, to);
                    boolean exec = Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        return target;
    }

    public Path expectedFile() {
        return dir.resolve("expected.txt");
    }

    public boolean fails() {
        return !expectedError.isEmpty();
    }

    /** True when expected.txt was written by hand (BuildKit's semantics) rather than generated with buildah. */
    public boolean handWritten() {
        return expectedFrom != null && expectedFrom.startsWith("buildkit-semantics");
    }

    /** The repository a case's parent image is pushed to. */
    public String parentRepository() {
        return "corpus/" + name + "-parent";
    }

    @Override
    public String toString() {
        return name;
    }
}
