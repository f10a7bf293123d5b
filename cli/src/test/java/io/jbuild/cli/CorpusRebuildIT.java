package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jbuild.builder.BuildCase;
import io.jbuild.builder.CorpusImages;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.registry.TestRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The step cache on the build corpus ({@code testdata/builds}): each case that builds (and has no
 * parent image) is built three times in one store: the second build takes every step from the
 * cache and gives the same image digest; after {@code touch} of every context file, so does the
 * third.
 */
class CorpusRebuildIT {
    private static TestRegistry registry;
    private static Path work;
    private static String baseRef;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("jbuild-corpus-rebuild-it");
        registry = TestRegistry.start();
        baseRef = CorpusImages.pushBase(BlobStore.open(work.resolve("base-store")), registry.host());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (work != null) {
            TestRegistry.deleteRecursively(work);
        }
    }

    @TestFactory
    List<DynamicTest> corpus() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (BuildCase c : BuildCase.all()) {
            if (c.fails() || c.parent() != null) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(c.name(), () -> rebuild(c)));
        }
        return tests;
    }

    private void rebuild(BuildCase c) throws Exception {
        Path dir = Files.createTempDirectory(work, c.name());
        try {
            Path store = dir.resolve("store");
            Path context = BuildCase.normalisedCopy(c.context(), dir.resolve("context"));
            Map<String, String> args = new LinkedHashMap<>(c.buildArgs());
            args.put(BuildCase.BASE_ARG, baseRef);
            List<String> cmd = new ArrayList<>(List.of("build", "--root", store.toString(), "--progress=plain",
                    "-f", c.dockerfile().toString(), "-t", "corpus/" + c.name() + ":latest"));
            args.forEach((k, v) -> cmd.addAll(List.of("--build-arg", k + "=" + v)));
            if (c.target() != null) {
                cmd.addAll(List.of("--target", c.target()));
            }
            if (c.network() != null) {
                cmd.addAll(List.of("--network", c.network()));
            }
            c.secrets().forEach((id, file) -> cmd.addAll(List.of("--secret", "id=" + id + ",src=" + c.dir().resolve(file))));
            cmd.add(context.toString());
            String[] argv = cmd.toArray(String[]::new);
            Result first = jbuild(argv);
            assertEquals(0, first.exit, "build failed:\n" + first.out + first.err);
            Result second = jbuild(argv);
            assertEquals(0, second.exit, "rebuild failed:\n" + second.out + second.err);
            assertFalse(second.err.contains("cache miss"), "a rebuild with nothing changed missed:\n" + second.err);
            assertEquals(first.out, second.out, "the rebuild gave another image");
            FileTime later = FileTime.from(Instant.now().plusSeconds(3600));
            try (Stream<Path> files = Files.walk(context)) {
                for (Path p : files.toList()) {
                    if (!Files.isSymbolicLink(p)) {
                        Files.setLastModifiedTime(p, later);
                    }
                }
            }
            Result touched = jbuild(argv);
            assertEquals(0, touched.exit, "rebuild after touch failed:\n" + touched.out + touched.err);
            assertFalse(touched.err.contains("cache miss"), "a rebuild after touch missed:\n" + touched.err);
            assertEquals(first.out, touched.out, "the rebuild after touch gave another image");
        } finally {
            TestRegistry.deleteRecursively(dir);
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result jbuild(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Environment system = Environment.system();
        Environment env = new Environment(new LinkedHashMap<>(System.getenv()), system.home(),
                new java.io.ByteArrayInputStream(new byte[0]), false, system.superuser());
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        return new Result(exit, out.toString(), err.toString());
    }
}
