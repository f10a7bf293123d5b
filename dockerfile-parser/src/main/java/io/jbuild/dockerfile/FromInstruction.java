package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/**
 * {@code FROM [--platform=p] image [AS name]}; {@code stageName} is lower-cased, null when not
 * named; {@code platform} null when not given.
 */
public record FromInstruction(Location location, String original, String image, String stageName,
                              String platform) implements Instruction {
    public FromInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(image, "image");
    }

    @Override
    public Keyword keyword() {
        return Keyword.FROM;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    /** A copy with the image and platform expanded (BuildKit expands both with the global ARGs). */
    @Override
    public FromInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            return new FromInstruction(location, original, expander.expand(image), stageName,
                    Instructions.expandNullable(expander, platform));
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
