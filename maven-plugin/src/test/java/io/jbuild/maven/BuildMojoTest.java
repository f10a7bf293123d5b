package io.jbuild.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.builder.BuildException;
import io.jbuild.builder.BuildOutput;
import io.jbuild.builder.BuildRequest;
import io.jbuild.builder.BuildResult;
import io.jbuild.builder.NetworkMode;
import io.jbuild.builder.SecretSource;
import io.jbuild.dockerfile.Location;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildMojoTest {
    private static final Digest MANIFEST = Digest.of("manifest".getBytes(StandardCharsets.UTF_8));
    private static final Digest CONFIG = Digest.of("config".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path basedir;

    private BuildMojo mojo;
    private RecordingLog log;
    private final AtomicReference<BuildRequest> seen = new AtomicReference<>();

    @BeforeEach
    void setUp() throws IOException {
        Model model = new Model();
        model.setGroupId("com.example");
        model.setArtifactId("Sample-App");
        model.setVersion("1.0-SNAPSHOT");
        MavenProject project = new MavenProject(model);
        project.setFile(basedir.resolve("pom.xml").toFile());
        Files.writeString(basedir.resolve("Dockerfile"), "ARG BASE\nFROM ${BASE}\nCOPY target/app.jar /app/\n");
        mojo = new BuildMojo();
        log = new RecordingLog();
        mojo.setLog(log);
        mojo.project = project;
        mojo.environment = new HostEnvironment(Map.of("PROXY", "http://proxy", "TOKEN", "t"), basedir, false);
        mojo.dockerfile = basedir.resolve("Dockerfile").toFile();
        mojo.contextDirectory = basedir.toFile();
        mojo.network = "default";
        mojo.archive = "none";
        mojo.archiveFile = basedir.resolve("target/jbuild-image.tar").toFile();
        mojo.digestFile = basedir.resolve("target/jbuild-image.digest").toFile();
        mojo.metadataFile = basedir.resolve("target/jbuild-image.json").toFile();
        mojo.storeRoot = basedir.resolve("store").toFile();
        mojo.builders = (store, client) -> (request, progress) -> {
            seen.set(request);
            try (var step = progress.start(1, "[1/2] FROM busybox")) {
                step.cached();
            }
            return new BuildResult(Descriptor.of(MediaType.OCI_MANIFEST, MANIFEST, 527), CONFIG,
                    request.tags(), List.of());
        };
    }

    @Test
    void request_defaults_buildProjectDockerfileAsArtifactIdVersion() throws Exception {
        BuildRequest request = mojo.request();
        assertEquals(basedir.toAbsolutePath(), request.contextDir());
        assertEquals(basedir.resolve("Dockerfile").toAbsolutePath(), request.dockerfile());
        assertEquals(List.of("sample-app:1.0-snapshot"), request.tags());
        assertEquals(NetworkMode.DEFAULT, request.network());
        assertTrue(request.outputs().isEmpty());
        assertNull(request.target());
        assertNull(request.platform());
        assertNull(request.sourceDateEpoch());
    }

    @Test
    void request_parameters_mapToRequestFields() throws Exception {
        mojo.tags = List.of("127.0.0.1:5000/app:1", " ", "app:latest", "app:latest");
        mojo.buildArgs = List.of("BASE=127.0.0.1:5000/busybox:latest", "PROXY", "UNSET");
        mojo.labels = List.of("org.opencontainers.image.version=1.0");
        mojo.target = "runtime";
        mojo.platform = "linux/amd64";
        mojo.noCache = true;
        mojo.pull = true;
        mojo.network = "none";
        mojo.secrets = List.of("id=npmrc,src=conf/.npmrc", "id=token,env=TOKEN");
        mojo.outputs = List.of("type=local,dest=target/rootfs");
        mojo.sourceDateEpoch = 1700000000L;
        BuildRequest request = mojo.request();
        assertEquals(List.of("127.0.0.1:5000/app:1", "app:latest"), request.tags());
        assertEquals(Map.of("BASE", "127.0.0.1:5000/busybox:latest", "PROXY", "http://proxy"), request.buildArgs());
        assertEquals(Map.of("org.opencontainers.image.version", "1.0"), request.labels());
        assertEquals("runtime", request.target());
        assertEquals("linux/amd64", request.platform());
        assertTrue(request.noCache());
        assertTrue(request.pull());
        assertEquals(NetworkMode.NONE, request.network());
        assertEquals(List.of(new SecretSource("npmrc", basedir.resolve("conf/.npmrc"), null),
                new SecretSource("token", null, "TOKEN")), request.secrets());
        assertEquals(List.of(new BuildOutput("local", Map.of("dest", basedir.resolve("target/rootfs").toString()))),
                request.outputs());
        assertEquals(1700000000L, request.sourceDateEpoch());
    }

    @Test
    void request_archiveOci_addsOciOutputToArchiveFile() throws Exception {
        mojo.archive = "OCI";
        BuildRequest request = mojo.request();
        assertEquals(List.of(new BuildOutput("oci", Map.of("dest", basedir.resolve("target/jbuild-image.tar").toString()))),
                request.outputs());
    }

    @Test
    void request_archiveDocker_namesTheTags() throws Exception {
        mojo.archive = "docker";
        mojo.tags = List.of("app:1", "app:latest");
        BuildOutput output = mojo.request().outputs().get(0);
        assertEquals("docker", output.type());
        assertEquals("app:1,app:latest", output.attribute("name"));
    }

    @Test
    void request_unknownArchive_failsNamingTheValue() {
        mojo.archive = "zip";
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::request);
        assertTrue(e.getMessage().contains("unknown archive \"zip\" (expected none, oci or docker)"), e.getMessage());
    }

    @Test
    void request_unknownNetwork_failsNamingTheDockerfile() {
        mojo.network = "bridge";
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::request);
        assertTrue(e.getMessage().startsWith("build image from " + basedir.resolve("Dockerfile") + ": unknown network mode"),
                e.getMessage());
    }

    @Test
    void request_outputTimestamp_becomesSourceDateEpoch() throws Exception {
        mojo.project.getProperties().setProperty("project.build.outputTimestamp", "2023-11-14T22:13:20Z");
        assertEquals(1700000000L, mojo.request().sourceDateEpoch());
    }

    @Test
    void request_sourceDateEpochVariable_winsOverOutputTimestamp() throws Exception {
        mojo.project.getProperties().setProperty("project.build.outputTimestamp", "2023-11-14T22:13:20Z");
        mojo.environment = new HostEnvironment(Map.of("SOURCE_DATE_EPOCH", "42"), basedir, false);
        assertEquals(42L, mojo.request().sourceDateEpoch());
    }

    @Test
    void outputTimestamp_formats_parseOrDisable() throws Exception {
        assertEquals(1700000000L, BuildMojo.outputTimestamp("1700000000"));
        assertEquals(1700000000L, BuildMojo.outputTimestamp("2023-11-15T00:13:20+02:00"));
        assertNull(BuildMojo.outputTimestamp("a"));
        assertNull(BuildMojo.outputTimestamp(null));
        assertThrows(MojoFailureException.class, () -> BuildMojo.outputTimestamp("yesterday"));
    }

    @Test
    void execute_success_writesDigestAndMetadataFiles() throws Exception {
        mojo.tags = List.of("127.0.0.1:5000/app:1");
        mojo.execute();
        assertEquals(MANIFEST.toString(), Files.readString(basedir.resolve("target/jbuild-image.digest")));
        BuiltImage built = BuiltImage.read(basedir.resolve("target/jbuild-image.json"));
        assertEquals(new BuiltImage(MANIFEST, CONFIG, MediaType.OCI_MANIFEST, 527, List.of("127.0.0.1:5000/app:1"),
                List.of()), built);
        List<String> lines = log.lines();
        assertTrue(lines.contains("INFO #1 [1/2] FROM busybox"), lines.toString());
        assertTrue(lines.contains("INFO #1 CACHED"), lines.toString());
        assertTrue(lines.contains("INFO Built image " + MANIFEST + " (config " + CONFIG + ")"), lines.toString());
        assertTrue(Files.isDirectory(basedir.resolve("store")), "the store is created under storeRoot");
    }

    @Test
    void execute_buildFails_failsWithDockerfileLocation() {
        mojo.builders = (store, client) -> (request, progress) -> {
            throw new BuildException("process \"/bin/sh -c false\" did not complete successfully: exit code: 1",
                    new Location("Dockerfile", 3, 3, 1), 1, null);
        };
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertEquals("build image from " + basedir.resolve("Dockerfile") + ":3: process \"/bin/sh -c false\" did not "
                + "complete successfully: exit code: 1", e.getMessage());
        assertFalse(Files.exists(basedir.resolve("target/jbuild-image.digest")));
    }

    @Test
    void failureMessage_locatedMessage_namesFullPathAndLineOnce() {
        BuildException located = new BuildException("Dockerfile.prod:4: failed to compute cache key: not found",
                new Location("Dockerfile.prod", 4, 4, 1), -1, null);
        assertEquals("build image from /src/Dockerfile.prod:4: failed to compute cache key: not found",
                BuildMojo.failureMessage(Path.of("/src/Dockerfile.prod"), located));
        assertEquals("build image from /src/Dockerfile: base image not found",
                BuildMojo.failureMessage(Path.of("/src/Dockerfile"), new BuildException("base image not found")));
    }

    @Test
    void execute_missingDockerfile_failsNamingIt() {
        mojo.dockerfile = basedir.resolve("docker/Dockerfile.prod").toFile();
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertEquals("build image: Dockerfile " + basedir.resolve("docker/Dockerfile.prod") + " not found "
                + "(set <dockerfile> or -Djbuild.dockerfile)", e.getMessage());
        assertNull(seen.get());
    }

    @Test
    void execute_skip_buildsNothing() throws Exception {
        mojo.skip = true;
        mojo.execute();
        assertNull(seen.get());
        assertEquals(new ArrayList<>(List.of("INFO Skipping jbuild (jbuild.skip is true)")), log.lines());
    }
}
