package io.jbuild.maven;

import io.jbuild.builder.BuildException;
import io.jbuild.builder.BuildOutput;
import io.jbuild.builder.BuildRequest;
import io.jbuild.builder.BuildResult;
import io.jbuild.builder.NetworkMode;
import io.jbuild.builder.SecretSource;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.registry.RegistryClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the project's Dockerfile into the local jbuild store, as {@code jbuild build} does: no daemon,
 * RUN steps in OCI containers (runc or crun). Writes the image digest to {@code target/jbuild-image.digest}
 * and its description to {@code target/jbuild-image.json}; with {@code archive} also an OCI or docker
 * archive of the image.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildMojo extends AbstractJbuildMojo {
    /** The Dockerfile to build. */
    @Parameter(property = "jbuild.dockerfile", defaultValue = "${project.basedir}/Dockerfile")
    File dockerfile;

    /** The build context: the directory COPY and ADD read from ({@code .dockerignore} applies). */
    @Parameter(property = "jbuild.contextDirectory", defaultValue = "${project.basedir}")
    File contextDirectory;

    /**
     * Build arguments ({@code ARG} values) as {@code KEY=VALUE}, one per element or comma-separated as a
     * property; a bare {@code KEY} takes the environment variable's value, as {@code docker build --build-arg KEY}.
     */
    @Parameter(property = "jbuild.buildArgs")
    List<String> buildArgs = new ArrayList<>();

    /** The stage to build ({@code FROM ... AS name}); default: the last stage. */
    @Parameter(property = "jbuild.target")
    String target;

    /** The target platform, {@code os/arch[/variant]} such as {@code linux/arm64}; default: the host's. */
    @Parameter(property = "jbuild.platform")
    String platform;

    /** Rebuild every step instead of reusing cached results. */
    @Parameter(property = "jbuild.noCache", defaultValue = "false")
    boolean noCache;

    /** Pull base images from their registries even when the store has them. */
    @Parameter(property = "jbuild.pull", defaultValue = "false")
    boolean pull;

    /** The network of RUN steps: {@code default} (loopback only), {@code none} or {@code host}. */
    @Parameter(property = "jbuild.network", defaultValue = "default")
    String network;

    /**
     * Build secrets for {@code RUN --mount=type=secret}, as {@code docker build --secret}:
     * {@code id=npmrc,src=.npmrc} or {@code id=token,env=TOKEN} (relative files against the project directory).
     */
    @Parameter(property = "jbuild.secrets")
    List<String> secrets = new ArrayList<>();

    /**
     * Extra outputs, as {@code docker build --output}: {@code type=oci,dest=target/image.tar},
     * {@code type=local,dest=target/rootfs}, {@code type=image,name=registry/app:1,push=true}
     * (relative destinations against the project directory).
     */
    @Parameter(property = "jbuild.outputs")
    List<String> outputs = new ArrayList<>();

    /** Labels added to the image config, {@code KEY=VALUE}. */
    @Parameter(property = "jbuild.labels")
    List<String> labels = new ArrayList<>();

    /** Also write the image as an archive to {@code archiveFile}: {@code none}, {@code oci} (OCI layout tar) or {@code docker} ({@code docker load} tar). */
    @Parameter(property = "jbuild.archive", defaultValue = "none")
    String archive;

    /** Where {@code archive} writes the image archive. */
    @Parameter(property = "jbuild.archiveFile", defaultValue = "${project.build.directory}/jbuild-image.tar")
    File archiveFile;

    /** The OCI runtime binary for RUN steps; default: runc or crun, whichever is found. */
    @Parameter(property = "jbuild.runtime")
    File runtime;

    /**
     * {@code SOURCE_DATE_EPOCH} in seconds: created times and file times are clamped to it for reproducible
     * images. Default: the {@code SOURCE_DATE_EPOCH} environment variable, else {@code project.build.outputTimestamp}.
     */
    @Parameter(property = "jbuild.sourceDateEpoch")
    Long sourceDateEpoch;

    /** The file that receives the image digest ({@code sha256:...}, no newline), for later pipeline steps. */
    @Parameter(property = "jbuild.digestFile", defaultValue = "${project.build.directory}/jbuild-image.digest")
    File digestFile;

    /** Makes the builder over a store and a registry client; a test replaces it. */
    BiFunction<BlobStore, RegistryClient, ImageBuilder> builders = BuildMojo::newBuilder;

    static ImageBuilder newBuilder(BlobStore store, RegistryClient client) {
        return new io.jbuild.builder.Builder(store, client)::build;
    }

    @Override
    void run() throws MojoExecutionException, MojoFailureException, InterruptedException {
        Path file = dockerfile.toPath().toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new MojoFailureException("build image: Dockerfile " + file + " not found "
                    + "(set <dockerfile> or -Djbuild.dockerfile)");
        }
        if (!Files.isDirectory(contextDirectory.toPath())) {
            throw new MojoFailureException("build image from " + file + ": context directory " + contextDirectory
                    + " not found (set <contextDirectory> or -Djbuild.contextDirectory)");
        }
        BuildRequest request = request();
        BlobStore store = openStore();
        getLog().info("Building " + file + " into " + store.root() + " as " + String.join(", ", request.tags()));
        BuildResult result;
        try (MavenBuildProgress progress = new MavenBuildProgress(getLog())) {
            result = builders.apply(store, registryClient()).build(request, progress);
        } catch (BuildException e) {
            throw new MojoFailureException(failureMessage(file, e), e);
        }
        BuiltImage built = new BuiltImage(result.manifest().digest(), result.configDigest(),
                result.manifest().mediaType(), result.manifest().size(), request.tags(), result.pushed());
        try {
            built.write(digestFile == null ? null : digestFile.toPath(), metadataFile == null ? null : metadataFile.toPath());
        } catch (IOException e) {
            throw new MojoExecutionException("write image metadata for " + file + ": " + e.getMessage(), e);
        }
        getLog().info("Built image " + built.digest() + " (config " + built.configDigest() + ")");
        for (String tag : request.tags()) {
            getLog().info("Tagged " + tag);
        }
        for (String pushed : result.pushed()) {
            getLog().info("Pushed " + pushed);
        }
        if (!"none".equals(archiveType())) {
            getLog().info("Wrote " + archiveType() + " archive " + archiveFile);
        }
    }

    /**
     * {@code build image from /abs/Dockerfile:4: <cause>}: the Dockerfile's full path and the failing
     * line, without the short {@code Dockerfile:4:} prefix the builder's message may already carry.
     */
    static String failureMessage(Path dockerfile, BuildException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e.location() == null) {
            return "build image from " + dockerfile + ": " + message;
        }
        String prefix = e.location().file() + ":" + e.location().startLine() + ":";
        if (message.startsWith(prefix)) {
            message = message.substring(prefix.length()).stripLeading();
        }
        return "build image from " + dockerfile + ":" + e.location().startLine() + ": " + message;
    }

    /** The builder's request from the parameters; parameter errors fail the build naming the parameter. */
    BuildRequest request() throws MojoFailureException {
        Path file = dockerfile.toPath().toAbsolutePath().normalize();
        Map<String, String> env = environment.variables();
        BuildRequest.Builder request = BuildRequest.builder(contextDirectory.toPath().toAbsolutePath().normalize())
                .dockerfile(file)
                .target(blankToNull(target))
                .platform(blankToNull(platform))
                .noCache(noCache)
                .pull(pull)
                .sourceDateEpoch(sourceDateEpoch());
        List<String> imageTags = configuredTags();
        request.tags(imageTags.isEmpty() ? List.of(defaultTag()) : imageTags);
        try {
            request.buildArgs(KeyValues.parse(buildArgs, env, "build argument"));
            KeyValues.parse(labels, Map.of(), "label").forEach(request::label);
            request.network(NetworkMode.parse(network == null ? "" : network.strip()));
            for (String text : nonBlank(secrets)) {
                SecretSource secret = SecretSource.parse(text, env);
                request.secret(secret.file() == null ? secret
                        : new SecretSource(secret.id(), resolve(secret.file()), null));
            }
            for (String text : nonBlank(outputs)) {
                request.output(resolveDestination(BuildOutput.parse(text)));
            }
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("build image from " + file + ": " + e.getMessage(), e);
        }
        String type = archiveType();
        if (!type.equals("none")) {
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("dest", archiveFile.toPath().toAbsolutePath().toString());
            if (type.equals("docker")) {
                attributes.put("name", String.join(",", imageTags.isEmpty() ? List.of(defaultTag()) : imageTags));
            }
            request.output(new BuildOutput(type, attributes));
        }
        if (runtime != null) {
            request.runtime(runtime.toPath());
        }
        return request.build();
    }

    private String archiveType() throws MojoFailureException {
        String type = archive == null || archive.isBlank() ? "none" : archive.strip().toLowerCase(Locale.ROOT);
        if (!type.equals("none") && !type.equals("oci") && !type.equals("docker")) {
            throw new MojoFailureException("build image from " + dockerfile + ": unknown archive \"" + archive
                    + "\" (expected none, oci or docker)");
        }
        return type;
    }

    private BuildOutput resolveDestination(BuildOutput output) {
        String dest = output.attribute("dest");
        if (dest == null || dest.equals("-")) {
            return output;
        }
        Map<String, String> attributes = new LinkedHashMap<>(output.attributes());
        attributes.put("dest", resolve(Path.of(dest)).toString());
        return new BuildOutput(output.type(), attributes);
    }

    /** The parameter, else {@code SOURCE_DATE_EPOCH}, else {@code project.build.outputTimestamp}, else null. */
    Long sourceDateEpoch() throws MojoFailureException {
        if (sourceDateEpoch != null) {
            return sourceDateEpoch;
        }
        String env = environment.get("SOURCE_DATE_EPOCH");
        if (env != null) {
            try {
                return Long.parseLong(env.strip());
            } catch (NumberFormatException e) {
                throw new MojoFailureException("build image from " + dockerfile + ": SOURCE_DATE_EPOCH \"" + env
                        + "\" is not a number of seconds", e);
            }
        }
        return outputTimestamp(project.getProperties().getProperty("project.build.outputTimestamp"));
    }

    /**
     * Maven's reproducible-build timestamp as epoch seconds: an ISO-8601 date-time with offset or a number
     * of seconds; null when unset or a single character (Maven's way to disable it).
     */
    static Long outputTimestamp(String value) throws MojoFailureException {
        if (value == null || value.strip().length() < 2) {
            return null;
        }
        String text = value.strip();
        if (text.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(text);
        }
        try {
            return OffsetDateTime.parse(text).toEpochSecond();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text).getEpochSecond();
            } catch (DateTimeParseException again) {
                throw new MojoFailureException("invalid project.build.outputTimestamp \"" + text
                        + "\": expected an ISO-8601 date-time such as 2024-01-01T00:00:00Z or seconds", again);
            }
        }
    }

    private static List<String> nonBlank(List<String> values) {
        List<String> result = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                if (value != null && !value.isBlank()) {
                    result.add(value.strip());
                }
            }
        }
        return result;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
