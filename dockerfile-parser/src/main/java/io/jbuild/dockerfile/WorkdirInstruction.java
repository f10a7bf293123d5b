package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code WORKDIR path}. */
public record WorkdirInstruction(Location location, String original, String path) implements Instruction {
    public WorkdirInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(path, "path");
    }

    @Override
    public Keyword keyword() {
        return Keyword.WORKDIR;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    @Override
    public WorkdirInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            return new WorkdirInstruction(location, original, expander.expand(path));
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
