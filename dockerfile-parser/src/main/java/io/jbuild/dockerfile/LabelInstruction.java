package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code LABEL k=v...}; keys and values as written until expanded. */
public record LabelInstruction(Location location, String original, List<KeyValue> labels) implements Instruction {
    public LabelInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        labels = List.copyOf(labels);
    }

    @Override
    public Keyword keyword() {
        return Keyword.LABEL;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    @Override
    public LabelInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            return new LabelInstruction(location, original, EnvInstruction.expandPairs(expander, labels));
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
