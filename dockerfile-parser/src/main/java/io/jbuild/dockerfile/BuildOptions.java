package io.jbuild.dockerfile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the user asked of a build, as far as planning needs it.
 *
 * @param buildArgs the {@code --build-arg} values by name
 * @param target the {@code --target} stage name, null for the last stage
 * @param targetPlatform the platform to build for
 * @param buildPlatform the platform the build runs on
 */
public record BuildOptions(Map<String, String> buildArgs, String target, PlatformSpec targetPlatform,
                           PlatformSpec buildPlatform) {
    public BuildOptions {
        buildArgs = Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        for (Map.Entry<String, String> e : buildArgs.entrySet()) {
            Objects.requireNonNull(e.getValue(), () -> "build arg " + e.getKey() + " has no value");
        }
        Objects.requireNonNull(targetPlatform, "targetPlatform");
        Objects.requireNonNull(buildPlatform, "buildPlatform");
    }

    /** No build args, the last stage, and the current platform for both. */
    public static BuildOptions defaults() {
        return new BuildOptions(Map.of(), null, PlatformSpec.current(), PlatformSpec.current());
    }

    public BuildOptions withBuildArgs(Map<String, String> args) {
        return new BuildOptions(args, target, targetPlatform, buildPlatform);
    }

    public BuildOptions withTarget(String stage) {
        return new BuildOptions(buildArgs, stage, targetPlatform, buildPlatform);
    }

    public BuildOptions withTargetPlatform(PlatformSpec platform) {
        return new BuildOptions(buildArgs, target, platform, buildPlatform);
    }

    /**
     * Reads {@code --build-arg} words: {@code K=V} sets K, {@code K} alone takes K's value from
     * {@code environment} and is left out when the environment has none (as docker does).
     */
    public static Map<String, String> parseBuildArgs(List<String> words, Map<String, String> environment) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq >= 0) {
                out.put(w.substring(0, eq), w.substring(eq + 1));
            } else if (environment.get(w) != null) {
                out.put(w, environment.get(w));
            }
        }
        return out;
    }
}
