package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code MAINTAINER name} (deprecated). */
public record MaintainerInstruction(Location location, String original, String maintainer) implements Instruction {
    public MaintainerInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(maintainer, "maintainer");
    }

    @Override
    public Keyword keyword() {
        return Keyword.MAINTAINER;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }
}
