package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code CMD command}, shell or exec form. */
public record CmdInstruction(Location location, String original, CommandLine command) implements Instruction {
    public CmdInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(command, "command");
    }

    @Override
    public Keyword keyword() {
        return Keyword.CMD;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }
}
