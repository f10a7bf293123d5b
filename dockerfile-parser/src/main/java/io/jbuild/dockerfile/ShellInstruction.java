package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code SHELL ["executable", "parameters"]} (JSON form only). */
public record ShellInstruction(Location location, String original, List<String> shell) implements Instruction {
    public ShellInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        shell = List.copyOf(shell);
    }

    @Override
    public Keyword keyword() {
        return Keyword.SHELL;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }
}
