package io.jbuild.dockerfile;

import java.util.Map;

/** The passes after {@link DockerfileParser} that the fuzz test drives too: typing, planning, expansion. */
final class FuzzPasses {
    /** The environment the fuzzed words are expanded in: set, set-but-empty and unset names. */
    static final Map<String, String> ENV = Map.of("a", "value", "b", "", "PATH", "/bin:/usr/bin");

    private FuzzPasses() {
    }

    static void afterParse(ParseResult result) throws DockerfileException {
        DockerfileInstructions instructions = InstructionParser.parse(result);
        BuildPlan plan = BuildPlanner.plan(instructions, BuildOptions.defaults());
        WordExpander expander = WordExpander.of(new ShellLexer(result.escape()), ENV);
        for (PlannedStage stage : plan.stages()) {
            for (Instruction instruction : stage.stage().instructions()) {
                try {
                    instruction.expand(expander);
                } catch (DockerfileException located) {
                    if (located.line() <= 0) {
                        throw new AssertionError("expansion error without a location: " + located.getMessage());
                    }
                }
            }
        }
    }
}
