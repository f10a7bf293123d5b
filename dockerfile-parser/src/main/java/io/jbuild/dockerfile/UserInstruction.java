package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code USER user[:group]}. */
public record UserInstruction(Location location, String original, String user) implements Instruction {
    public UserInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(user, "user");
    }

    @Override
    public Keyword keyword() {
        return Keyword.USER;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    @Override
    public UserInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            return new UserInstruction(location, original, expander.expand(user));
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
