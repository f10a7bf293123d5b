package io.jbuild.layerstore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The OCI image configuration, including Docker's extensions (Healthcheck, OnBuild, Shell,
 * ArgsEscaped). Fields Docker writes that the spec does not define ({@code container},
 * {@code container_config}, {@code docker_version}) are ignored on read; the exact bytes are kept
 * by {@link Stored}.
 */
@JsonPropertyOrder({"created", "author", "architecture", "os", "os.version", "os.features", "variant",
        "config", "rootfs", "history"})
public record ImageConfig(
        String created,
        String author,
        @JsonProperty(value = "architecture", required = true) String architecture,
        @JsonProperty(value = "os", required = true) String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("os.features") List<String> osFeatures,
        String variant,
        ContainerConfig config,
        @JsonProperty(value = "rootfs", required = true) RootFs rootfs,
        List<History> history) {

    public ImageConfig {
        checkTime("created", created);
        if (architecture == null || architecture.isEmpty()) {
            throw new IllegalArgumentException("config architecture is missing");
        }
        if (os == null || os.isEmpty()) {
            throw new IllegalArgumentException("config os is missing");
        }
        if (rootfs == null) {
            throw new IllegalArgumentException("config rootfs is missing");
        }
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** An empty config for {@code FROM scratch} on the given platform. */
    public static ImageConfig scratch(Platform platform) {
        return new ImageConfig(null, null, platform.architecture(), platform.os(), platform.osVersion(),
                platform.osFeatures(), platform.variant(), null, RootFs.of(List.of()), List.of());
    }

    public Platform platform() {
        return new Platform(architecture, os, osVersion, osFeatures, variant);
    }

    public ImageConfig withConfig(ContainerConfig newConfig) {
        return new ImageConfig(created, author, architecture, os, osVersion, osFeatures, variant, newConfig, rootfs, history);
    }

    public ImageConfig withRootfs(RootFs newRootfs, List<History> newHistory) {
        return new ImageConfig(created, author, architecture, os, osVersion, osFeatures, variant, config, newRootfs, newHistory);
    }

    static void checkTime(String field, String value) {
        if (value == null) {
            return;
        }
        try {
            DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " \"" + value + "\" is not an RFC 3339 date-time");
        }
    }

    /** The {@code rootfs} object: the ordered diff ids of the layers. */
    @JsonPropertyOrder({"type", "diff_ids"})
    public record RootFs(
            @JsonProperty(value = "type", required = true) String type,
            @JsonProperty(value = "diff_ids", required = true) @JsonInclude(JsonInclude.Include.ALWAYS) List<Digest> diffIds) {
        public RootFs {
            if (!"layers".equals(type)) {
                throw new IllegalArgumentException("rootfs type \"" + type + "\" is not \"layers\"");
            }
            if (diffIds == null) {
                throw new IllegalArgumentException("rootfs diff_ids are missing");
            }
            diffIds = List.copyOf(diffIds);
        }

        public static RootFs of(List<Digest> diffIds) {
            return new RootFs("layers", diffIds);
        }
    }

    /** One {@code history} entry; {@code empty_layer} marks steps that added no layer. */
    @JsonPropertyOrder({"created", "created_by", "author", "comment", "empty_layer"})
    public record History(
            String created,
            @JsonProperty("created_by") String createdBy,
            String author,
            String comment,
            @JsonProperty("empty_layer") Boolean emptyLayer) {
        public History {
            checkTime("history created", created);
            if (Boolean.FALSE.equals(emptyLayer)) {
                emptyLayer = null;
            }
        }

        public boolean isEmptyLayer() {
            return Boolean.TRUE.equals(emptyLayer);
        }
    }

    /** Docker's HEALTHCHECK: durations in nanoseconds. */
    @JsonPropertyOrder({"Test", "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"})
    public record Healthcheck(
            @JsonProperty("Test") List<String> test,
            @JsonProperty("Interval") Long interval,
            @JsonProperty("Timeout") Long timeout,
            @JsonProperty("StartPeriod") Long startPeriod,
            @JsonProperty("StartInterval") Long startInterval,
            @JsonProperty("Retries") Integer retries) {
        public Healthcheck {
            test = test == null ? List.of() : List.copyOf(test);
        }
    }

    /** The execution parameters ({@code config} object). */
    @JsonPropertyOrder({"User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels",
            "StopSignal", "ArgsEscaped", "Healthcheck", "OnBuild", "Shell"})
    public record ContainerConfig(
            @JsonProperty("User") String user,
            @JsonProperty("ExposedPorts") @JsonSerialize(using = Json.StringSetSerializer.class)
            @JsonDeserialize(using = Json.StringSetDeserializer.class) SortedSet<String> exposedPorts,
            @JsonProperty("Env") List<String> env,
            @JsonProperty("Entrypoint") List<String> entrypoint,
            @JsonProperty("Cmd") List<String> cmd,
            @JsonProperty("Volumes") @JsonSerialize(using = Json.StringSetSerializer.class)
            @JsonDeserialize(using = Json.StringSetDeserializer.class) SortedSet<String> volumes,
            @JsonProperty("WorkingDir") String workingDir,
            @JsonProperty("Labels") Map<String, String> labels,
            @JsonProperty("StopSignal") String stopSignal,
            @JsonProperty("ArgsEscaped") Boolean argsEscaped,
            @JsonProperty("Healthcheck") Healthcheck healthcheck,
            @JsonProperty("OnBuild") List<String> onBuild,
            @JsonProperty("Shell") List<String> shell) {

        public ContainerConfig {
            exposedPorts = exposedPorts == null ? Collections.emptySortedSet() : Collections.unmodifiableSortedSet(new TreeSet<>(exposedPorts));
            volumes = volumes == null ? Collections.emptySortedSet() : Collections.unmodifiableSortedSet(new TreeSet<>(volumes));
            env = env == null ? List.of() : List.copyOf(env);
            for (String e : env) {
                if (e.isEmpty() || e.charAt(0) == '=' || e.indexOf('=') < 0) {
                    throw new IllegalArgumentException("config Env entry \"" + e + "\" is not NAME=value");
                }
            }
            // null (unset) and empty differ for Entrypoint/Cmd: keep null
            entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
            cmd = cmd == null ? null : List.copyOf(cmd);
            labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
            onBuild = onBuild == null ? List.of() : List.copyOf(onBuild);
            shell = shell == null ? List.of() : List.copyOf(shell);
            if (Boolean.FALSE.equals(argsEscaped)) {
                argsEscaped = null;
            }
        }

        public static ContainerConfig empty() {
            return new ContainerConfig(null, null, null, null, null, null,
                    null, null, null, null, null, null, null);
        }
    }
}
