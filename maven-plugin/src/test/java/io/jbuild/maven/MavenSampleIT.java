package io.jbuild.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.Manifest;
import io.jbuild.registry.CredentialProvider;
import io.jbuild.registry.Credentials;
import io.jbuild.registry.Puller;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.TestImages;
import io.jbuild.registry.TestRegistry;
import io.jbuild.registry.sign.CosignVerifier;
import io.jbuild.registry.sign.KeyFiles;
import io.jbuild.registry.sign.RegistrySignatureRepository;
import io.jbuild.registry.sign.VerifiedSignature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code mvn} runs (subprocesses) on a copy of {@code testdata/maven-sample}: {@code mvn deploy} builds
 * its Dockerfile (its jar COPYed onto a busybox base pulled from a docker-registry on loopback) with
 * {@code jbuild:build} and pushes it with {@code jbuild:push}, credentials coming from a settings.xml server
 * with a Maven-encrypted password; the test pulls the result and finds the jar in it.
 *
 * <p>The subprocess Maven finds this plugin in a private local repository, {@code target/it-repo}, that
 * maven-invoker-plugin's {@code install} goal fills before the integration tests (the plugin and its runtime
 * dependencies from this reactor). Everything else (maven-jar-plugin and the like) comes from the outer build's
 * local repository, used read-only as a {@code file://} remote, then from Maven Central.
 */
class MavenSampleIT {
    private static final long TIMEOUT_MINUTES = 10;

    private static TestRegistry registry;
    private static String base;

    @TempDir
    static Path temp;

    private static final String KEY_PASSWORD = "cosign-key-password";

    private static MavenPasswords passwords;
    private static Path settingsFile;
    private static Path signingKey;
    private static PublicKey publicKey;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.startWithBasicAuth();
        BlobStore baseStore = BlobStore.open(temp.resolve("base-store"));
        Descriptor busybox = TestImages.busybox(baseStore).manifest();
        baseStore.tag("busybox", busybox);
        base = registry.host() + "/library/busybox:latest";
        new Pusher(authenticatedClient(), baseStore, 2).push("busybox", ImageReference.parse(base));

        KeyPair keys = KeyFiles.generateKeyPair();
        signingKey = temp.resolve("cosign.key");
        Files.write(signingKey, KeyFiles.writeEncryptedPrivateKey(keys.getPrivate(), KEY_PASSWORD.toCharArray()));
        publicKey = keys.getPublic();

        passwords = MavenPasswords.create(temp, "it-master-password");
        settingsFile = temp.resolve("settings.xml");
        String outer = Path.of(property("jbuild.it.localRepository", System.getProperty("user.home") + "/.m2/repository"))
                .toUri().toString();
        String repositories = "<repository><id>outer-local</id><url>" + outer + "</url>"
                + "<releases><enabled>true</enabled></releases><snapshots><enabled>false</enabled></snapshots></repository>";
        Files.writeString(settingsFile, "<settings>\n"
                + "  <servers>\n"
                + "    <server>\n"
                + "      <id>" + registry.host() + "</id>\n"
                + "      <username>" + TestRegistry.USER + "</username>\n"
                + "      <password>" + passwords.encrypt(TestRegistry.PASSWORD) + "</password>\n"
                + "    </server>\n"
                + "    <server>\n"
                + "      <id>cosign</id>\n"
                + "      <passphrase>" + passwords.encrypt(KEY_PASSWORD) + "</passphrase>\n"
                + "    </server>\n"
                + "  </servers>\n"
                + "  <profiles>\n"
                + "    <profile>\n"
                + "      <id>outer-local-repository</id>\n"
                + "      <repositories>" + repositories + "</repositories>\n"
                + "      <pluginRepositories>" + repositories.replace("repository>", "pluginRepository>")
                + "</pluginRepositories>\n"
                + "    </profile>\n"
                + "  </profiles>\n"
                + "  <activeProfiles><activeProfile>outer-local-repository</activeProfile></activeProfiles>\n"
                + "</settings>\n");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private static RegistryClient authenticatedClient() {
        return RegistryClient.builder().credentials(CredentialProvider.of(registry.host(),
                Credentials.of(TestRegistry.USER, TestRegistry.PASSWORD))).build();
    }

    private static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() || value.startsWith("${") ? fallback : value;
    }

    /** The sample project copied into a fresh directory, so that its target/ stays out of the source tree. */
    private static Path copySample(String name) throws IOException {
        Path testdata = Path.of(property("jbuild.testdata", Path.of("").toAbsolutePath().getParent()
                .resolve("testdata").toString()));
        Path source = testdata.resolve("maven-sample");
        assertTrue(Files.isRegularFile(source.resolve("pom.xml")), "sample project at " + source);
        Path copy = temp.resolve(name);
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path rel = source.relativize(p);
                if (rel.startsWith("target")) {
                    continue;
                }
                Path dest = copy.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return copy;
    }

    record Run(int exitCode, String output) {
    }

    /** Runs the Maven that runs this build ({@code maven.home}), else {@code mvn} from PATH, in {@code project}. */
    private static Run mvn(Path project, String... args) throws IOException, InterruptedException {
        String mavenHome = property("jbuild.it.mavenHome", null);
        List<String> command = new ArrayList<>();
        command.add(mavenHome != null && Files.isExecutable(Path.of(mavenHome, "bin", "mvn"))
                ? Path.of(mavenHome, "bin", "mvn").toString() : "mvn");
        command.add("-B");
        command.add("-s");
        command.add(settingsFile.toString());
        command.add("-Dmaven.repo.local=" + Path.of(property("jbuild.it.repo", "target/it-repo")).toAbsolutePath());
        command.add("-Dsettings.security=" + passwords.securityFile());
        command.add("-Djbuild-plugin.version=" + property("jbuild.it.pluginVersion", "0.1.0-SNAPSHOT"));
        command.add("-Dregistry=" + registry.host());
        command.add("-Djbuild.storeRoot=" + temp.resolve("store"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.remove("MAVEN_OPTS");
        env.remove("MAVEN_ARGS");
        env.remove("MAVEN_CONFIG");
        env.remove("JBUILD_ROOT");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("DOCKER_CONFIG", temp.resolve("docker-config").toString());
        // kept under target/it-logs for reading after the test (and in CI artifacts)
        Path logs = Path.of("target", "it-logs").toAbsolutePath();
        Files.createDirectories(logs);
        Path log = logs.resolve(project.getFileName() + "-" + args[0].replace(':', '-') + ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                throw new AssertionError("mvn " + String.join(" ", args) + " did not finish within " + TIMEOUT_MINUTES
                        + " minutes:\n" + tail(Files.readString(log)));
            }
        } finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

    @Test
    void deploy_sampleProject_buildsAndPushesImageWithTheJar() throws Exception {
        Path project = copySample("deploy");
        Run run = mvn(project, "deploy", "-Djbuild.buildArgs=BASE=" + base, "-Djbuild.archive=oci",
                "-Djbuild.labels=org.opencontainers.image.title=maven-sample,stage=it",
                "-Djbuild.sign=true", "-Djbuild.signingKey=" + signingKey, "-Djbuild.signingServerId=cosign");
        assertEquals(0, run.exitCode(), () -> "mvn deploy failed:\n" + tail(run.output()));
        assertTrue(run.output().contains("--- jbuild-maven-plugin:"), run.output());
        assertTrue(run.output().contains(":build (default) @ maven-sample ---"), tail(run.output()));
        assertTrue(run.output().contains(":push (default) @ maven-sample ---"), tail(run.output()));
        long jarSize = Files.size(project.resolve("target/maven-sample.jar"));
        assertTrue(run.output().lines().anyMatch(l -> l.matches("\\[INFO\\] #\\d+ jar size: " + jarSize)),
                "the RUN step's output is in the Maven log:\n" + run.output());

        String digest = Files.readString(project.resolve("target/jbuild-image.digest"));
        BuiltImage built = BuiltImage.read(project.resolve("target/jbuild-image.json"));
        assertEquals(digest, built.digest().toString());
        String tag = registry.host() + "/sample/maven-sample:1.0";
        assertEquals(List.of(tag, registry.host() + "/sample/maven-sample:latest"), built.tags());
        assertTrue(built.pushed().contains(tag + "@" + digest), built.pushed().toString());

        BlobStore pulled = BlobStore.open(temp.resolve("pulled"));
        Descriptor manifestDescriptor = new Puller(authenticatedClient(), pulled, 2)
                .pull(ImageReference.parse(tag), null, "sample").descriptor();
        assertEquals(digest, manifestDescriptor.digest().toString());
        Manifest manifest = pulled.readDocument(manifestDescriptor.digest(), Manifest.class).value();
        assertEquals(built.configDigest(), manifest.config().digest());
        ImageConfig config = pulled.readDocument(manifest.config().digest(), ImageConfig.class).value();
        assertEquals(Map.of("org.opencontainers.image.title", "maven-sample", "stage", "it"),
                config.config().labels(), "a comma-separated -Djbuild.labels gives two labels");
        byte[] jar = Files.readAllBytes(project.resolve("target/maven-sample.jar"));
        byte[] inImage = null;
        for (Descriptor layer : manifest.layers()) {
            byte[] found = entry(pulled, layer, "app/maven-sample.jar");
            if (found != null) {
                inImage = found;
            }
        }
        assertNotNull(inImage, "the image has app/maven-sample.jar");
        assertArrayEquals(jar, inImage, "the image's jar is the project's");
        assertNotNull(entry(pulled, manifest.layers().get(0), "bin/busybox"), "the base layer comes first");

        List<VerifiedSignature> signatures = new CosignVerifier(publicKey).verify(
                new RegistrySignatureRepository(authenticatedClient(), ImageReference.parse(tag), pulled),
                manifestDescriptor.digest(), Map.of());
        assertEquals(1, signatures.size(), "push signed the manifest both tags name once");

        List<String> archived = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                Files.newInputStream(project.resolve("target/jbuild-image.tar")))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                archived.add(e.getName());
            }
        }
        assertTrue(archived.contains("index.json") && archived.contains("oci-layout"), archived.toString());
        assertTrue(archived.contains("blobs/sha256/" + manifestDescriptor.digest().encoded()), archived.toString());
    }

    @Test
    void package_brokenDockerfile_failsNamingTheDockerfile() throws Exception {
        Path project = copySample("broken");
        Run run = mvn(project, "package", "-Djbuild.dockerfile=Dockerfile.broken", "-Djbuild.buildArgs=BASE=" + base);
        assertNotEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("BUILD FAILURE"), tail(run.output()));
        assertTrue(run.output().contains("build image from " + project.resolve("Dockerfile.broken") + ":4: "),
                tail(run.output()));
        assertTrue(Files.notExists(project.resolve("target/jbuild-image.digest")));
    }

    @Test
    void help_detail_listsEveryParameterWithItsUserProperty() throws Exception {
        Path project = copySample("help");
        Run run = mvn(project, "jbuild:help", "-Ddetail");
        assertEquals(0, run.exitCode(), () -> tail(run.output()));
        for (String goal : List.of("jbuild:build", "jbuild:push", "jbuild:sign", "jbuild:verify", "jbuild:help")) {
            assertTrue(run.output().contains(goal), goal + " in\n" + run.output());
        }
        for (String parameter : List.of("dockerfile", "contextDirectory", "tags", "buildArgs", "target", "platform",
                "noCache", "outputs", "secrets", "network", "skip", "archive", "storeRoot", "signingKey", "publicKey")) {
            assertTrue(run.output().contains("User property: jbuild." + parameter), parameter + " in\n" + run.output());
        }
    }

    /** The bytes of {@code name} in a gzip (or plain) tar layer blob, null when it has no such file. */
    private static byte[] entry(BlobStore store, Descriptor layer, String name) throws Exception {
        try (InputStream raw = store.open(layer.digest());
             InputStream in = layer.mediaType().endsWith("gzip") ? new GZIPInputStream(raw) : raw;
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String path = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                if (path.equals(name) && e.isFile()) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    tar.transferTo(bytes);
                    return bytes.toByteArray();
                }
            }
        }
        return null;
    }

}
