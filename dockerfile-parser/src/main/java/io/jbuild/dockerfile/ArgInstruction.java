package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code ARG name[=default]...}; defaults as written until expanded. */
public record ArgInstruction(Location location, String original, List<Definition> args) implements Instruction {
    public ArgInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        args = List.copyOf(args);
    }

    @Override
    public Keyword keyword() {
        return Keyword.ARG;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    /**
     * One declared ARG.
     *
     * @param name the name
     * @param defaultValue the default as written, null when none was given
     */
    public record Definition(String name, String defaultValue) {
        public Definition {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A copy with names and defaults expanded, as BuildKit does. */
    @Override
    public ArgInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            List<Definition> out = new java.util.ArrayList<>();
            for (Definition d : args) {
                out.add(new Definition(expander.expand(d.name()), Instructions.expandNullable(expander, d.defaultValue())));
            }
            return new ArgInstruction(location, original, out);
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
