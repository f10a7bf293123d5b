package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/**
 * {@code RUN [--mount=...]... [--network=...] [--security=...] command}; mounts whose spec uses
 * variables are fully validated by {@link #expand}. {@code network} and {@code security} are null
 * when not given.
 */
public record RunInstruction(Location location, String original, CommandLine command, List<String> mountSpecs,
                             List<Mount> mounts, String network, String security,
                             List<Heredoc> heredocs) implements Instruction {
    public RunInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(command, "command");
        mountSpecs = List.copyOf(mountSpecs);
        mounts = List.copyOf(mounts);
        heredocs = List.copyOf(heredocs);
    }

    @Override
    public Keyword keyword() {
        return Keyword.RUN;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    /** A copy with the mount options expanded and validated; the command is not expanded. */
    @Override
    public RunInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            List<Mount> expanded = new java.util.ArrayList<>();
            for (String spec : mountSpecs) {
                expanded.add(Mount.parse(spec, expander));
            }
            return new RunInstruction(location, original, command, mountSpecs, expanded, network, security, heredocs);
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
