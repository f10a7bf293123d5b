package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code STOPSIGNAL signal}. */
public record StopsignalInstruction(Location location, String original, String signal) implements Instruction {
    public StopsignalInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(signal, "signal");
    }

    @Override
    public Keyword keyword() {
        return Keyword.STOPSIGNAL;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    @Override
    public StopsignalInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            return new StopsignalInstruction(location, original, expander.expand(signal));
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
