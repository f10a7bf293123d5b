package io.jbuild.dockerfile;

import java.util.List;

/**
 * The output of {@link InstructionParser#parse}: the ARGs before the first FROM and the stages.
 *
 * @param file the name used in messages
 * @param escape the escape character in force (for the {@link ShellLexer} that expands words later)
 * @param globalArgs the ARG instructions before the first FROM
 * @param stages the stages in file order
 * @param warnings the parser's warnings, passed on
 */
public record DockerfileInstructions(String file, char escape, List<ArgInstruction> globalArgs, List<Stage> stages,
                                     List<ParseWarning> warnings) {
    public DockerfileInstructions {
        globalArgs = List.copyOf(globalArgs);
        stages = List.copyOf(stages);
        warnings = List.copyOf(warnings);
    }
}
