package io.jbuild.dockerfile;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stages a build needs, in an order where each comes after its dependencies (stages whose
 * dependencies are all built may run in parallel), and the ARG values the builder needs to
 * expand RUN/COPY words at dispatch time.
 *
 * @param file the Dockerfile name used in messages
 * @param escape the escape character for the {@link ShellLexer}
 * @param stages the needed stages in build order
 * @param target the index of the target stage (the last of {@code stages})
 * @param globalArgs the values of the global ARGs (those before the first FROM) that have one
 * @param buildArgs the {@code --build-arg} values
 * @param automaticArgs the platform ARGs (TARGETPLATFORM, BUILDOS, ...) and TARGETSTAGE
 * @param warnings findings such as unused build args
 */
public record BuildPlan(String file, char escape, List<PlannedStage> stages, int target,
                        Map<String, String> globalArgs, Map<String, String> buildArgs,
                        Map<String, String> automaticArgs, List<ParseWarning> warnings) {
    /** ARGs every stage may use without declaring them (only in RUN's environment, as Docker does). */
    public static final Set<String> PROXY_ARGS = Set.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
            "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");

    public BuildPlan {
        stages = List.copyOf(stages);
        globalArgs = Map.copyOf(globalArgs);
        buildArgs = Map.copyOf(buildArgs);
        automaticArgs = Map.copyOf(automaticArgs);
        warnings = List.copyOf(warnings);
    }

    /** The planned stage with this index, if the build needs it. */
    public Optional<PlannedStage> stage(int index) {
        return stages.stream().filter(s -> s.index() == index).findFirst();
    }

    /**
     * The value an {@code ARG name} inside a stage takes, Docker's rules: a build arg (or an
     * automatic platform ARG) wins; else the default, if the ARG has one (empty here: the builder
     * expands it with the stage's environment); else the global ARG's value; else unset (empty).
     */
    public Optional<String> stageArgValue(String name, boolean hasDefault) {
        if (buildArgs.containsKey(name)) {
            return Optional.of(buildArgs.get(name));
        }
        if (automaticArgs.containsKey(name)) {
            return Optional.of(automaticArgs.get(name));
        }
        if (hasDefault) {
            return Optional.empty();
        }
        return Optional.ofNullable(globalArgs.get(name));
    }

    /** The proxy build args given, which RUN gets in its environment without an ARG. */
    public Map<String, String> proxyArgs() {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        buildArgs.forEach((k, v) -> {
            if (PROXY_ARGS.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
