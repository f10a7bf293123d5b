package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code ENTRYPOINT command}, shell or exec form. */
public record EntrypointInstruction(Location location, String original, CommandLine command) implements Instruction {
    public EntrypointInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(command, "command");
    }

    @Override
    public Keyword keyword() {
        return Keyword.ENTRYPOINT;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }
}
