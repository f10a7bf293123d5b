package io.jbuild.dockerfile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pass 3: the stages of a Dockerfile and the user's options to a {@link BuildPlan}. Resolves the
 * global ARGs (usable only in FROM lines), expands FROM lines, resolves stage references into a
 * dependency graph, selects the stages {@code --target} needs and reports unused build args.
 */
public final class BuildPlanner {
    private BuildPlanner() {
    }

    public static BuildPlan plan(DockerfileInstructions dockerfile, BuildOptions options) throws DockerfileException {
        String file = dockerfile.file();
        List<Stage> stages = dockerfile.stages();
        if (stages.isEmpty()) {
            throw new DockerfileException(file, 0, 0, "plan build: the Dockerfile contains no stages to build");
        }
        ShellLexer lexer = new ShellLexer(dockerfile.escape());
        int target = targetIndex(file, stages, options.target());

        Map<String, String> automatic = new LinkedHashMap<>();
        putPlatform(automatic, "TARGET", options.targetPlatform());
        putPlatform(automatic, "BUILD", options.buildPlatform());

        Map<String, String> globalEnv = new LinkedHashMap<>(automatic);
        Map<String, String> globalValues = new LinkedHashMap<>();
        Set<String> declared = new HashSet<>();
        for (ArgInstruction arg : dockerfile.globalArgs()) {
            for (ArgInstruction.Definition d : arg.args()) {
                declared.add(d.name());
                String value = null;
                if (options.buildArgs().containsKey(d.name())) {
                    value = options.buildArgs().get(d.name());
                } else if (d.defaultValue() != null) {
                    value = expand(lexer, d.defaultValue(), globalEnv, arg.location());
                }
                if (value != null) {
                    globalValues.put(d.name(), value);
                }
                // BuildKit sets a declared global ARG without a value to "" for FROM lines
                globalEnv.put(d.name(), value == null ? "" : value);
            }
        }
        automatic.put("TARGETSTAGE", stages.get(target).displayName());

        List<List<Integer>> deps = new ArrayList<>();
        List<PlannedStage> planned = new ArrayList<>();
        Map<Integer, DockerfileException> forwardReferences = new java.util.HashMap<>();
        for (Stage stage : stages) {
            List<DockerfileException> forward = new ArrayList<>();
            planned.add(resolve(stage, stages, lexer, globalEnv, forward));
            deps.add(planned.get(planned.size() - 1).dependencies());
            if (!forward.isEmpty()) {
                forwardReferences.put(stage.index(), forward.get(0));
            }
        }

        Set<Integer> needed = new TreeSet<>();
        Deque<Integer> todo = new ArrayDeque<>(List.of(target));
        while (!todo.isEmpty()) {
            int i = todo.pop();
            if (needed.add(i)) {
                todo.addAll(deps.get(i));
            }
        }
        List<PlannedStage> order = new ArrayList<>();
        for (int i : needed) {
            if (forwardReferences.containsKey(i)) {
                throw forwardReferences.get(i);
            }
            order.add(planned.get(i));
            for (Instruction instruction : stages.get(i).instructions()) {
                if (instruction instanceof ArgInstruction) {
                    for (ArgInstruction.Definition d : ((ArgInstruction) instruction).args()) {
                        declared.add(d.name());
                    }
                }
            }
        }

        List<ParseWarning> warnings = new ArrayList<>();
        Set<String> unused = new TreeSet<>();
        for (String name : options.buildArgs().keySet()) {
            if (!declared.contains(name) && !BuildPlan.PROXY_ARGS.contains(name)) {
                unused.add(name);
            }
        }
        if (!unused.isEmpty()) {
            warnings.add(new ParseWarning("one or more build-args " + unused + " were not consumed",
                    "declare them with ARG in the stages that use them, or drop them", 0));
        }
        return new BuildPlan(file, dockerfile.escape(), order, target, globalValues, options.buildArgs(), automatic,
                warnings);
    }

    private static void putPlatform(Map<String, String> env, String prefix, PlatformSpec p) {
        env.put(prefix + "PLATFORM", p.toString());
        env.put(prefix + "OS", p.os());
        env.put(prefix + "ARCH", p.architecture());
        env.put(prefix + "VARIANT", p.variant());
    }

    private static int targetIndex(String file, List<Stage> stages, String target) throws DockerfileException {
        if (target == null || target.isEmpty()) {
            return stages.size() - 1;
        }
        String wanted = target.toLowerCase(Locale.ROOT);
        List<String> names = new ArrayList<>();
        int found = -1;
        for (Stage s : stages) {
            if (wanted.equals(s.name())) {
                found = s.index();
            }
            if (s.name() != null && !names.contains(s.name())) {
                names.add(s.name());
            }
        }
        if (found >= 0) {
            return found;
        }
        throw new DockerfileException(file, 0, 0, "find target stage \"" + target + "\": no stage has that name"
                + Suggestions.hint(wanted, names, true)
                + (names.isEmpty() ? "; the Dockerfile has no named stages" : "; named stages: "
                + String.join(", ", names)));
    }

    /**
     * Resolves one stage's FROM and references. References to a stage that is not built before
     * this one go to {@code forward}: BuildKit reports them only when the stage is built.
     */
    private static PlannedStage resolve(Stage stage, List<Stage> stages, ShellLexer lexer,
            Map<String, String> globalEnv, List<DockerfileException> forward) throws DockerfileException {
        Location fromLocation = stage.location();
        String image = expand(lexer, stage.baseImage(), globalEnv, fromLocation);
        if (image.isEmpty()) {
            throw fromLocation.place(Instructions.error("base name (" + stage.baseImage() + ") should not be blank"));
        }
        PlatformSpec platform = null;
        if (stage.platform() != null) {
            String p = expand(lexer, stage.platform(), globalEnv, fromLocation);
            try {
                platform = PlatformSpec.parse(p);
            } catch (DockerfileException e) {
                throw fromLocation.place(e);
            }
        }
        Set<Integer> deps = new TreeSet<>();
        Set<String> images = new java.util.LinkedHashSet<>();
        int baseStage = -1;
        String lower = image.toLowerCase(Locale.ROOT);
        for (Stage s : stages.subList(0, stage.index())) {
            if (lower.equals(s.name())) {
                baseStage = s.index();
            }
        }
        if (baseStage >= 0) {
            deps.add(baseStage);
        }
        for (Instruction instruction : stage.instructions()) {
            if (instruction instanceof CopyInstruction) {
                String from = ((CopyInstruction) instruction).from();
                if (from != null && !from.isEmpty() && from.indexOf('$') >= 0
                        && !new ShellLexer('\\').processWord(from, java.util.Map.of()).result().equals(from)) {
                    throw instruction.location().place(Instructions.error("variable expansion is not supported for "
                            + "--from, define a new stage with FROM using ARG from global scope as a workaround"));
                }
                if (from != null && !from.isEmpty()) {
                    reference(stage, stages, from, "copy from", instruction.location(), deps, images, forward);
                }
            } else if (instruction instanceof RunInstruction) {
                for (Mount m : ((RunInstruction) instruction).mounts()) {
                    if (m.from() != null && !m.from().isEmpty()) {
                        reference(stage, stages, m.from(), "mount from", instruction.location(), deps, images,
                                forward);
                    }
                }
            }
        }
        return new PlannedStage(stage, baseStage >= 0 ? null : image, baseStage, platform, new ArrayList<>(deps),
                new ArrayList<>(images));
    }

    private static void reference(Stage stage, List<Stage> stages, String ref, String verb, Location at,
            Set<Integer> deps, Set<String> images, List<DockerfileException> forward) throws DockerfileException {
        Stage found = null;
        if (ref.matches("[+-]?[0-9]+")) {
            int index;
            try {
                index = Integer.parseInt(ref);
            } catch (NumberFormatException e) {
                index = Integer.MAX_VALUE;
            }
            if (index < 0 || index >= stages.size()) {
                throw at.place(Instructions.error("invalid stage index " + ref + ": the Dockerfile has "
                        + stages.size() + " stage" + (stages.size() == 1 ? "" : "s")));
            }
            found = stages.get(index);
        } else {
            String lower = ref.toLowerCase(Locale.ROOT);
            for (Stage s : stages) {
                if (lower.equals(s.name())) {
                    found = s;
                }
            }
        }
        if (found == null) {
            if (!ref.equals("context")) {
                images.add(ref);
            }
            return;
        }
        if (found.index() >= stage.index()) {
            forward.add(at.place(Instructions.error("cannot " + verb + " stage \"" + ref
                    + "\", it needs to be defined before current stage \""
                    + (stage.name() != null ? stage.name() : "stage-" + stage.index()) + "\"")));
            return;
        }
        deps.add(found.index());
    }

    private static String expand(ShellLexer lexer, String word, Map<String, String> env, Location at)
            throws DockerfileException {
        try {
            return lexer.processWord(word, env).result();
        } catch (DockerfileException e) {
            throw at.place(e);
        }
    }
}
