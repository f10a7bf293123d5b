package io.jbuild.builder;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.registry.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Regenerates the corpus expectations ({@code testdata/builds/<case>/expected.txt}) with a real
 * peer, {@code buildah bud}, on the corpus base image served by a docker-registry on 127.0.0.1.
 * Not part of the suite (its name is no {@code *IT}): run it by name, with {@code -Djbuild.regenerate=true}
 * (optionally {@code -Djbuild.case=NAME} for one case):
 * <pre>
 * mvn -B -o -q -pl builder -am verify -Djbuild.regenerate=true -Dit.test=BuildahExpectations \
 *     -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 * Cases whose {@code build.json} says {@code "expectedFrom": "buildkit-semantics, ..."} keep their
 * hand-written expectation; buildah's snapshot of them goes to {@code target/corpus-buildah/} and
 * the difference is printed, to review. Failing cases ({@code expectedError}) must fail with buildah too.
 */
@EnabledIfSystemProperty(named = "jbuild.regenerate", matches = "true")
class BuildahExpectations {
    private static TestRegistry registry;
    private static Path work;
    private static String baseRef;
    private static ImageSnapshot base;

    @BeforeAll
    static void startRegistry() throws Exception {
        work = Files.createTempDirectory("jbuild-buildah-corpus");
        registry = TestRegistry.start();
        BlobStore store = BlobStore.open(work.resolve("store"));
        baseRef = CorpusImages.pushBase(store, registry.host());
        base = ImageSnapshot.load(store, CorpusImages.base(store));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
        if (work != null) {
            TestRegistry.deleteRecursively(work);
        }
    }

    @TestFactory
    List<DynamicTest> regenerate() throws IOException {
        String only = System.getProperty("jbuild.case", "");
        List<DynamicTest> tests = new ArrayList<>();
        for (BuildCase c : BuildCase.all()) {
            if (only.isEmpty() || List.of(only.split(",")).contains(c.name())) {
                tests.add(DynamicTest.dynamicTest(c.name(), () -> regenerate(c)));
            }
        }
        return tests;
    }

    private void regenerate(BuildCase c) throws Exception {
        Path dir = Files.createTempDirectory(work, c.name());
        List<String> storage = List.of("buildah", "--root", dir.resolve("root").toString(), "--runroot",
                dir.resolve("runroot").toString(), "--storage-driver", "vfs");
        try {
            Map<String, String> args = new java.util.LinkedHashMap<>(c.buildArgs());
            args.put(BuildCase.BASE_ARG, baseRef);
            if (c.parent() != null) {
                String parentRef = registry.host() + "/" + c.parentRepository() + ":latest";
                Result parent = run(dir, bud(dir, storage, c, c.dir().resolve(c.parent()), args, "localhost/parent:latest"));
                assertEquals(0, parent.code, "buildah bud (parent) failed:\n" + parent.output);
                Result push = run(dir, concat(storage, "push", "--tls-verify=false", "localhost/parent:latest",
                        "docker://" + parentRef));
                assertEquals(0, push.code, "buildah push (parent) failed:\n" + push.output);
                args.put(c.parentArg(), parentRef);
            }
            Path dockerfile = c.buildahDockerfile() == null ? c.dockerfile() : c.dir().resolve(c.buildahDockerfile());
            Result built = run(dir, bud(dir, storage, c, dockerfile, args, "localhost/corpus:latest"));
            Path report = Path.of("target", "corpus-buildah");
            Files.createDirectories(report);
            Files.writeString(report.resolve(c.name() + ".log"), built.output);
            if (c.fails()) {
                assertTrue(built.code != 0, "buildah built a case that must fail:\n" + built.output);
                System.out.println("[" + c.name() + "] buildah failed as expected:\n" + tail(built.output));
                return;
            }
            assertEquals(0, built.code, "buildah bud failed:\n" + built.output);
            Path layout = dir.resolve("layout");
            // v2s2 keeps the Docker-only config fields (Healthcheck, OnBuild, Shell) that buildah drops for OCI
            Result push = run(dir, concat(storage, "push", "--format", "v2s2", "localhost/corpus:latest",
                    "oci:" + layout + ":corpus"));
            assertEquals(0, push.code, "buildah push failed:\n" + push.output);
            String snapshot = ImageSnapshot.load(layout, "corpus").render(base);
            if (c.handWritten()) {
                Files.writeString(report.resolve(c.name() + ".txt"), snapshot);
                String expected = Files.exists(c.expectedFile()) ? Files.readString(c.expectedFile()) : "";
                if (!expected.equals(snapshot)) {
                    System.out.println("[" + c.name() + "] hand-written expectation differs from buildah ("
                            + c.expectedFrom() + "):\n" + SnapshotDiff.unified(expected, snapshot));
                }
            } else {
                Files.writeString(c.expectedFile(), snapshot);
                System.out.println("[" + c.name() + "] wrote " + c.expectedFile());
            }
        } finally {
            run(dir, concat(storage, "rm", "--all"));
            TestRegistry.deleteRecursively(dir);
        }
    }

    private static List<String> bud(Path dir, List<String> storage, BuildCase c, Path dockerfile,
                                    Map<String, String> args, String tag) throws IOException {
        List<String> cmd = concat(storage, "bud", "--tls-verify=false", "--layers", "--format", "docker",
                "--isolation", "oci", "--no-cache", "-f", dockerfile.toString(), "-t", tag);
        args.forEach((k, v) -> {
            cmd.add("--build-arg");
            cmd.add(k + "=" + v);
        });
        if (c.target() != null) {
            cmd.add("--target");
            cmd.add(c.target());
        }
        if (c.network() != null) {
            cmd.add("--network");
            cmd.add(c.network());
        }
        c.secrets().forEach((id, file) -> {
            cmd.add("--secret");
            cmd.add("id=" + id + ",src=" + c.dir().resolve(file));
        });
        Path context = c.buildahContext() != null && dockerfile.equals(c.dir().resolve(String.valueOf(c.buildahDockerfile())))
                ? c.dir().resolve(c.buildahContext()) : c.context();
        Path copy = dir.resolve("context-" + tag.replaceAll("[^a-z]", "-"));
        if (!Files.exists(copy)) {
            BuildCase.normalisedCopy(context, copy);
        }
        cmd.add(copy.toString());
        return cmd;
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    private record Result(int code, String output) {
    }

    private static Result run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "cmd", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(dir.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        String out = "$ " + String.join(" ", cmd) + "\n" + Files.readString(log, StandardCharsets.UTF_8);
        return new Result(p.exitValue(), out);
    }

    private static String tail(String s) {
        String[] lines = s.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 5), lines.length));
    }
}
