package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code EXPOSE port[/proto]...}. */
public record ExposeInstruction(Location location, String original, List<String> ports) implements Instruction {
    public ExposeInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        ports = List.copyOf(ports);
    }

    @Override
    public Keyword keyword() {
        return Keyword.EXPOSE;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    @Override
    public ExposeInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            return new ExposeInstruction(location, original, Instructions.expandAll(expander, ports));
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
