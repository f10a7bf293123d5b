package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jbuild.builder.BuildCase;
import io.jbuild.builder.CorpusImages;
import io.jbuild.builder.ImageSnapshot;
import io.jbuild.builder.SnapshotDiff;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.registry.TestRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The build corpus ({@code testdata/builds}, see testdata/README.md): each case built by
 * {@code jbuild build} on the corpus busybox base served by a docker-registry on 127.0.0.1, its
 * image written as an OCI layout and compared, as an {@link ImageSnapshot}, with the case's
 * {@code expected.txt}; failing cases must fail with the expected error text.
 */
class BuildCorpusIT {
    private static TestRegistry registry;
    private static Path work;
    private static String baseRef;
    private static ImageSnapshot base;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("jbuild-corpus-it");
        registry = TestRegistry.start();
        BlobStore store = BlobStore.open(work.resolve("base-store"));
        baseRef = CorpusImages.pushBase(store, registry.host());
        base = ImageSnapshot.load(store, CorpusImages.base(store));
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
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                build(c);
            }));
        }
        return tests;
    }

    private void build(BuildCase c) throws Exception {
        Path dir = Files.createTempDirectory(work, c.name());
        try {
            Path store = dir.resolve("store");
            Path context = BuildCase.normalisedCopy(c.context(), dir.resolve("context"));
            Map<String, String> args = new LinkedHashMap<>(c.buildArgs());
            args.put(BuildCase.BASE_ARG, baseRef);
            if (c.parent() != null) {
                String parentRef = registry.host() + "/" + c.parentRepository() + ":latest";
                List<String> cmd = command(c, store, c.dir().resolve(c.parent()), args);
                cmd.addAll(List.of("-t", parentRef, "--push", context.toString()));
                Result parent = jbuild(store, cmd.toArray(String[]::new));
                assertEquals(0, parent.exit, "parent build failed:\n" + parent.out + parent.err);
                args.put(c.parentArg(), parentRef);
            }
            Path layout = dir.resolve("layout");
            List<String> cmd = command(c, store, c.dockerfile(), args);
            cmd.addAll(List.of("--output", "type=oci,dest=" + layout + ",tar=false", "-t", "corpus/" + c.name()
                    + ":latest", context.toString()));
            Result built = jbuild(store, cmd.toArray(String[]::new));
            if (c.fails()) {
                assertNotEquals(0, built.exit, "the build must fail, but succeeded:\n" + built.out + built.err);
                for (String text : c.expectedError()) {
                    assertTrue((built.out + built.err).contains(text),
                            "the error output lacks \"" + text + "\":\n" + built.out + built.err);
                }
                return;
            }
            assertEquals(0, built.exit, "build failed:\n" + built.out + built.err);
            String actual = ImageSnapshot.load(layout, null).render(base);
            String expected = Files.readString(c.expectedFile(), StandardCharsets.UTF_8);
            for (String secret : c.secrets().values()) { // secrets are never in the image
                String digest = io.jbuild.layerstore.Digest.of(Files.readAllBytes(c.dir().resolve(secret))).toString();
                assertTrue(!actual.contains(digest), "the image holds the content of the secret " + secret);
            }
            if (!expected.equals(actual)) {
                fail("the image of " + c.name() + " differs from " + c.expectedFile() + ":\n"
                        + SnapshotDiff.unified(expected, actual));
            }
        } finally {
            TestRegistry.deleteRecursively(dir);
        }
    }

    private static List<String> command(BuildCase c, Path store, Path dockerfile, Map<String, String> args) {
        List<String> cmd = new ArrayList<>(List.of("build", "--root", store.toString(), "-f", dockerfile.toString()));
        args.forEach((k, v) -> cmd.addAll(List.of("--build-arg", k + "=" + v)));
        if (c.target() != null) {
            cmd.addAll(List.of("--target", c.target()));
        }
        if (c.network() != null) {
            cmd.addAll(List.of("--network", c.network()));
        }
        c.secrets().forEach((id, file) -> cmd.addAll(List.of("--secret", "id=" + id + ",src=" + c.dir().resolve(file))));
        return cmd;
    }

    private record Result(int exit, String out, String err) {
    }

    /** Runs jbuild in process with {@code JBUILD_ROOT} set to {@code store}, never the user's store. */
    private static Result jbuild(Path store, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Environment system = Environment.system();
        Map<String, String> variables = new LinkedHashMap<>(System.getenv());
        variables.put("JBUILD_ROOT", store.toString());
        Environment env = new Environment(variables, system.home(), new java.io.ByteArrayInputStream(new byte[0]),
                false, system.superuser());
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        return new Result(exit, out.toString(), err.toString());
    }
}
