package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.registry.TestImages;
import io.jbuild.registry.TestRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbuild pull}, {@code push}, {@code login} and {@code logout} against a real
 * docker-registry, in process through {@link Main#run} with an {@link Environment} of the test's
 * own, and through the packaged {@code target/jbuild.jar} as a user runs it.
 */
class RegistryCommandsIT {
    private static final Path JAR = Path.of("target", "jbuild.jar");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static TestRegistry registry;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws IOException {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private Environment env() {
        return Environment.of(Map.of("DOCKER_CONFIG", temp.resolve("docker").toString()), temp.resolve("home"));
    }

    private static Result run(Environment env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Result(exit, out.toString(), err.toString());
    }

    /** An image of TestImages in a fresh store under {@code dir}, tagged {@code tags}. */
    private static TestImages.Image image(Path dir, String name, String... tags) throws Exception {
        BlobStore store = BlobStore.open(dir);
        TestImages.Image image = TestImages.image(store, name, 3, 150_000);
        for (String tag : tags) {
            store.tag(tag, image.manifest());
        }
        return image;
    }

    private static String shortDigest(Descriptor d) {
        return d.digest().encoded().substring(0, 12);
    }

    @Test
    void pushThenPull_imageFromTempStore_identicalDigestAndDockerStyleOutput() throws Exception {
        String ref = registry.host() + "/cli/roundtrip:v1";
        Path source = temp.resolve("source");
        TestImages.Image image = image(source, "roundtrip", ref);

        Result push = run(env(), "push", "--root", source.toString(), ref);
        assertEquals(0, push.exit(), push.err());
        assertEquals("The push refers to repository [" + registry.host() + "/cli/roundtrip]", push.lines().get(0));
        for (Descriptor layer : image.layers()) {
            assertTrue(push.out().contains(shortDigest(layer) + ": Pushed "), push.out());
        }
        assertFalse(push.out().contains(shortDigest(image.config())), "config is not shown: " + push.out());
        assertEquals("v1: digest: " + image.manifest().digest() + " size: " + image.manifest().size(),
                push.lines().get(push.lines().size() - 1));

        Result again = run(env(), "push", "--root", source.toString(), ref);
        assertEquals(0, again.exit(), again.err());
        assertEquals(3, again.lines().stream().filter(l -> l.endsWith(": Layer already exists")).count(), again.out());

        Path target = temp.resolve("target");
        Result pull = run(env(), "pull", "--root", target.toString(), ref);
        assertEquals(0, pull.exit(), pull.err());
        assertEquals("v1: Pulling from cli/roundtrip", pull.lines().get(0));
        for (Descriptor layer : image.layers()) {
            assertTrue(pull.out().matches("(?s).*" + shortDigest(layer) + ": Pull complete \\S+ in \\d+\\.\\ds\n.*"),
                    pull.out());
        }
        List<String> tail = pull.lines().subList(pull.lines().size() - 3, pull.lines().size());
        assertEquals(List.of("Digest: " + image.manifest().digest(), "Status: Downloaded newer image for " + ref, ref),
                tail);
        BlobStore pulled = BlobStore.open(target);
        assertEquals(image.manifest().digest(), pulled.resolve(ref).orElseThrow().digest());
        assertEquals(image.manifestBytes().length, pulled.readAll(image.manifest().digest()).length);

        Result second = run(env(), "pull", "--root", target.toString(), ref);
        assertEquals(0, second.exit(), second.err());
        assertEquals(3, second.lines().stream().filter(l -> l.endsWith(": Already exists")).count(), second.out());
        assertTrue(second.out().contains("Status: Image is up to date for " + ref), second.out());
    }

    @Test
    void push_pulledImageToOtherRepository_mountsFromSource() throws Exception {
        String ref = registry.host() + "/cli/mount-source:v1";
        image(temp.resolve("source"), "mount", ref);
        assertEquals(0, run(env(), "push", "--root", temp.resolve("source").toString(), ref).exit());
        Path store = temp.resolve("store");
        assertEquals(0, run(env(), "pull", "-q", "--root", store.toString(), ref).exit());
        BlobStore blobs = BlobStore.open(store);
        String other = registry.host() + "/cli/mount-target:v1";
        blobs.tag(other, blobs.resolve(ref).orElseThrow());
        Result push = run(env(), "push", "--root", store.toString(), other);
        assertEquals(0, push.exit(), push.err());
        assertEquals(3, push.lines().stream().filter(l -> l.endsWith(": Mounted from cli/mount-source")).count(),
                push.out());
    }

    @Test
    void push_allTags_pushesEveryTagOfTheRepository() throws Exception {
        String name = registry.host() + "/cli/all";
        Path source = temp.resolve("source");
        TestImages.Image image = image(source, "all", name + ":one", name + ":two", registry.host() + "/cli/else:one");
        Result push = run(env(), "push", "--all-tags", "--root", source.toString(), name);
        assertEquals(0, push.exit(), push.err());
        assertTrue(push.out().contains("one: digest: " + image.manifest().digest()), push.out());
        assertTrue(push.out().contains("two: digest: " + image.manifest().digest()), push.out());
        Result quiet = run(env(), "pull", "--quiet", "--root", temp.resolve("t").toString(), name + ":two");
        assertEquals(0, quiet.exit(), quiet.err());
        assertEquals(name + ":two\n", quiet.out());

        Result withTag = run(env(), "push", "--all-tags", "--root", source.toString(), name + ":one");
        assertEquals(1, withTag.exit());
        assertTrue(withTag.err().startsWith("error: ") && withTag.err().strip().lines().count() == 1, withTag.err());
    }

    @Test
    void pushQuiet_printsOnlyTheReference() throws Exception {
        String ref = registry.host() + "/cli/quiet:v1";
        image(temp.resolve("source"), "quiet", ref);
        Result push = run(env(), "push", "-q", "--root", temp.resolve("source").toString(), ref);
        assertEquals(0, push.exit(), push.err());
        assertEquals(ref + "\n", push.out());
    }

    @Test
    void pull_unknownTag_oneLineErrorAndExit1() {
        Result pull = run(env(), "pull", "--root", temp.resolve("s").toString(), registry.host() + "/cli/none:nope");
        assertEquals(1, pull.exit());
        assertTrue(pull.err().startsWith("error: "), pull.err());
        assertEquals(1, pull.err().strip().lines().count(), pull.err());
    }

    @Test
    void push_notInStore_oneLineErrorAndExit1() {
        Result push = run(env(), "push", "--root", temp.resolve("s").toString(), registry.host() + "/cli/none:v1");
        assertEquals(1, push.exit());
        assertTrue(push.err().startsWith("error: push ") && push.err().contains("no such image"), push.err());
        assertEquals(1, push.err().strip().lines().count(), push.err());
    }

    @Test
    void loginPushPullLogout_basicAuthRegistry_credentialsWrittenUsedAndRemoved() throws Exception {
        try (TestRegistry auth = TestRegistry.startWithBasicAuth()) {
            Path dockerConfig = temp.resolve("docker");
            Files.createDirectories(dockerConfig);
            Files.writeString(dockerConfig.resolve("config.json"),
                    "{\"auths\":{\"other.example:5000\":{\"auth\":\"eDp5\"}},\"psFormat\":\"table\"}");
            Environment env = env().withStdin(new ByteArrayInputStream(
                    (TestRegistry.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
            Result login = run(env, "login", "-u", TestRegistry.USER, "--password-stdin", auth.host());
            assertEquals(0, login.exit(), login.err());
            assertEquals("Login Succeeded\n", login.out());
            Path file = dockerConfig.resolve("config.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            JsonNode config = MAPPER.readTree(file.toFile());
            assertEquals(Base64.getEncoder().encodeToString((TestRegistry.USER + ":" + TestRegistry.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8)), config.path("auths").path(auth.host()).path("auth").asText());
            assertEquals("eDp5", config.path("auths").path("other.example:5000").path("auth").asText());
            assertEquals("table", config.path("psFormat").asText());

            String ref = auth.host() + "/cli/private:v1";
            TestImages.Image image = image(temp.resolve("source"), "private", ref);
            Result push = run(env(), "push", "--root", temp.resolve("source").toString(), ref);
            assertEquals(0, push.exit(), push.err());
            Result pull = run(env(), "pull", "--root", temp.resolve("target").toString(), ref);
            assertEquals(0, pull.exit(), pull.err());
            assertTrue(pull.out().contains("Digest: " + image.manifest().digest()), pull.out());

            Result logout = run(env(), "logout", auth.host());
            assertEquals(0, logout.exit(), logout.err());
            assertEquals("Removing login credentials for " + auth.host() + "\n", logout.out());
            config = MAPPER.readTree(file.toFile());
            assertTrue(config.path("auths").path(auth.host()).isMissingNode(), config.toString());
            assertEquals("eDp5", config.path("auths").path("other.example:5000").path("auth").asText());
            assertEquals("Not logged in to " + auth.host() + "\n", run(env(), "logout", auth.host()).out());

            Result denied = run(env(), "pull", "--root", temp.resolve("third").toString(), ref);
            assertEquals(1, denied.exit());
            assertTrue(denied.err().startsWith("error: "), denied.err());
            assertEquals(1, denied.err().strip().lines().count(), denied.err());
        }
    }

    @Test
    void login_wrongPassword_oneLineErrorExit1AndNothingWritten() throws Exception {
        try (TestRegistry auth = TestRegistry.startWithBasicAuth()) {
            Result login = run(env(), "login", "-u", TestRegistry.USER, "-p", "wrong", auth.host());
            assertEquals(1, login.exit());
            List<String> errors = new ArrayList<>(login.err().strip().lines().toList());
            errors.removeIf(l -> l.startsWith("WARNING!"));
            assertEquals(1, errors.size(), login.err());
            assertTrue(errors.get(0).startsWith("error: log in to " + auth.host() + ": "), login.err());
            assertFalse(Files.exists(temp.resolve("docker").resolve("config.json")));
        }
    }

    @Test
    void login_passwordAndPasswordStdin_refusedWithOneLineError() {
        Result login = run(env(), "login", "-u", "u", "-p", "x", "--password-stdin", "127.0.0.1:1");
        assertEquals(1, login.exit());
        assertEquals("error: log in to 127.0.0.1:1: --password and --password-stdin are mutually exclusive\n",
                login.err());
    }

    // ------------------------------------------------------------------ the packaged jar

    private Result jar(Map<String, String> environment, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("REGISTRY_AUTH_FILE");
        pb.environment().remove("XDG_RUNTIME_DIR");
        pb.environment().remove("JBUILD_ROOT");
        pb.environment().putAll(environment);
        Path out = temp.resolve("jar.out");
        Path err = temp.resolve("jar.err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        int exit = p.waitFor();
        return new Result(exit, Files.readString(out), Files.readString(err));
    }

    @Test
    void jar_loginThenPullWithJbuildRoot_usesConfigAndStoresImage() throws Exception {
        try (TestRegistry auth = TestRegistry.startWithBasicAuth()) {
            Map<String, String> environment = Map.of("DOCKER_CONFIG", temp.resolve("docker").toString(),
                    "JBUILD_ROOT", temp.resolve("root").toString());
            Result login = jar(environment, TestRegistry.PASSWORD + "\n", "login", "--username", TestRegistry.USER,
                    "--password-stdin", auth.host());
            assertEquals(0, login.exit(), login.err());
            assertEquals("Login Succeeded\n", login.out());

            String ref = auth.host() + "/cli/jar:v1";
            TestImages.Image image = image(temp.resolve("source"), "jar", ref);
            assertEquals(0, run(env(), "push", "--root", temp.resolve("source").toString(), ref).exit());

            Result pull = jar(environment, "", "pull", ref);
            assertEquals(0, pull.exit(), pull.err());
            assertTrue(pull.out().contains("Digest: " + image.manifest().digest()), pull.out());
            assertTrue(pull.out().endsWith(ref + "\n"), pull.out());
            assertEquals(image.manifest().digest(),
                    BlobStore.open(temp.resolve("root")).resolve(ref).orElseThrow().digest());

            Result wrong = jar(environment, "nope\n", "login", "-u", TestRegistry.USER, "--password-stdin", auth.host());
            assertEquals(1, wrong.exit());
            assertTrue(wrong.err().startsWith("error: log in to " + auth.host()), wrong.err());
            assertEquals(1, wrong.err().strip().lines().count(), wrong.err());
        }
    }
}
