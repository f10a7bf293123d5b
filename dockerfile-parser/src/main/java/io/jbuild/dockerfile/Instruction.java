package io.jbuild.dockerfile;

/**
 * One typed Dockerfile instruction (pass 2), with where it came from. Instructions whose words
 * BuildKit expands at dispatch time return an expanded copy from {@link #expand}; the others
 * (RUN/CMD/ENTRYPOINT commands, SHELL, HEALTHCHECK, ONBUILD, MAINTAINER) return themselves.
 */
public sealed interface Instruction
        permits FromInstruction, RunInstruction, CmdInstruction, LabelInstruction, MaintainerInstruction,
        ExposeInstruction, EnvInstruction, AddInstruction, CopyInstruction, EntrypointInstruction,
        VolumeInstruction, UserInstruction, WorkdirInstruction, ArgInstruction, OnbuildInstruction,
        StopsignalInstruction, HealthcheckInstruction, ShellInstruction {
    Location location();

    /** The instruction's logical line as written, keyword included. */
    String original();

    Keyword keyword();

    <R> R accept(Visitor<R> visitor);

    /**
     * A copy with the words BuildKit expands at dispatch expanded by {@code expander}; errors
     * carry this instruction's location.
     */
    default Instruction expand(WordExpander expander) throws DockerfileException {
        return this;
    }

    /** One method per instruction type. */
    interface Visitor<R> {
        R visit(FromInstruction instruction);

        R visit(RunInstruction instruction);

        R visit(CmdInstruction instruction);

        R visit(LabelInstruction instruction);

        R visit(MaintainerInstruction instruction);

        R visit(ExposeInstruction instruction);

        R visit(EnvInstruction instruction);

        R visit(AddInstruction instruction);

        R visit(CopyInstruction instruction);

        R visit(EntrypointInstruction instruction);

        R visit(VolumeInstruction instruction);

        R visit(UserInstruction instruction);

        R visit(WorkdirInstruction instruction);

        R visit(ArgInstruction instruction);

        R visit(OnbuildInstruction instruction);

        R visit(StopsignalInstruction instruction);

        R visit(HealthcheckInstruction instruction);

        R visit(ShellInstruction instruction);
    }
}
