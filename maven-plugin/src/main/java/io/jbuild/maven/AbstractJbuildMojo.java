package io.jbuild.maven;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.InvalidValueException;
import io.jbuild.layerstore.StoreException;
import io.jbuild.registry.DockerConfigCredentials;
import io.jbuild.registry.RegistryClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** The parameters and services every jbuild goal shares: the store, the registry client, the image tags. */
abstract class AbstractJbuildMojo extends AbstractMojo {
    /** How many blobs a push transfers at once. */
    static final int PARALLELISM = 4;

    /** Skip every jbuild goal of this execution. */
    @Parameter(property = "jbuild.skip", defaultValue = "false")
    boolean skip;

    /**
     * The jbuild store directory, where built images and their layers are kept (default: {@code $JBUILD_ROOT};
     * else {@code /var/lib/jbuild} as root, {@code $XDG_DATA_HOME/jbuild} or {@code ~/.local/share/jbuild}
     * otherwise, as for the {@code jbuild} command).
     */
    @Parameter(property = "jbuild.storeRoot")
    File storeRoot;

    /**
     * The image names to build, push, sign or verify ({@code [registry/]repository[:tag]}, comma-separated
     * as a property). Default for {@code build}: {@code artifactId:version}; for the other goals the tags
     * {@code build} wrote to {@code jbuild-image.json}.
     */
    @Parameter(property = "jbuild.tags")
    List<String> tags = new ArrayList<>();

    /**
     * Registries ({@code HOST[:PORT]}) that may be spoken to over plain HTTP when HTTPS fails; loopback
     * registries ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}) always may.
     */
    @Parameter(property = "jbuild.insecureRegistries")
    List<String> insecureRegistries = new ArrayList<>();

    /**
     * The JSON description of the built image ({@code digest}, {@code configDigest}, {@code tags},
     * {@code pushed}) that {@code build} writes and {@code push} completes, for later pipeline steps.
     */
    @Parameter(property = "jbuild.metadataFile", defaultValue = "${project.build.directory}/jbuild-image.json")
    File metadataFile;

    /** The Maven project (read-only, supplied by Maven). */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    /** The Maven settings, whose {@code <server>} entries give registry credentials (read-only, supplied by Maven). */
    @Parameter(defaultValue = "${settings}", readonly = true, required = true)
    Settings settings;

    @Component
    SettingsDecrypter settingsDecrypter;

    HostEnvironment environment = HostEnvironment.system();

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping jbuild (jbuild.skip is true)");
            return;
        }
        try {
            run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("jbuild was interrupted", e);
        }
    }

    /** The goal's work, once {@link #skip} is known false. */
    abstract void run() throws MojoExecutionException, MojoFailureException, InterruptedException;

    /** The store directory as configured or by the CLI's default rule. */
    Path storeDirectory() {
        return environment.storeRoot(storeRoot == null ? null : storeRoot.toPath());
    }

    BlobStore openStore() throws MojoExecutionException {
        Path root = storeDirectory();
        try {
            return BlobStore.open(root);
        } catch (StoreException e) {
            throw new MojoExecutionException("open jbuild store " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * A registry client whose credentials come from settings.xml {@code <server>} entries named after the
     * registry host, then from Docker's and podman's credential files and helpers.
     */
    RegistryClient registryClient() {
        var fallback = DockerConfigCredentials.fromEnvironment(environment.variables(), environment.home());
        RegistryClient.Builder builder = RegistryClient.builder()
                .credentials(new SettingsCredentials(settings, settingsDecrypter, fallback));
        for (String host : insecureRegistries) {
            if (host != null && !host.isBlank()) {
                builder.insecureRegistry(host.strip());
            }
        }
        return builder.build();
    }

    /** {@code artifactId:version}, lower-cased as image names must be. */
    String defaultTag() {
        return (project.getArtifactId() + ":" + project.getVersion()).toLowerCase(Locale.ROOT);
    }

    /** The configured tags without blanks, in order, each once. */
    List<String> configuredTags() {
        List<String> result = new ArrayList<>();
        for (String tag : tags) {
            if (tag != null && !tag.isBlank() && !result.contains(tag.strip())) {
                result.add(tag.strip());
            }
        }
        return result;
    }

    /** The configured tags, else those of {@link #metadataFile} when {@code build} wrote it, else {@link #defaultTag()}. */
    List<String> imageTags() throws MojoExecutionException {
        List<String> configured = configuredTags();
        if (!configured.isEmpty()) {
            return configured;
        }
        BuiltImage built = builtImage();
        if (built != null && !built.tags().isEmpty()) {
            return built.tags();
        }
        return List.of(defaultTag());
    }

    /** What {@code build} wrote to {@link #metadataFile}, or null when there is no such file. */
    BuiltImage builtImage() throws MojoExecutionException {
        if (metadataFile == null || !Files.isRegularFile(metadataFile.toPath())) {
            return null;
        }
        try {
            return BuiltImage.read(metadataFile.toPath());
        } catch (IOException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }

    static ImageReference parseReference(String text) throws MojoFailureException {
        try {
            return ImageReference.parse(text);
        } catch (InvalidValueException e) {
            throw new MojoFailureException("invalid image name \"" + text + "\": " + e.getMessage(), e);
        }
    }

    /** A path parameter's file made absolute against the project directory. */
    Path resolve(Path path) {
        return path.isAbsolute() ? path : project.getBasedir().toPath().resolve(path).normalize();
    }
}
