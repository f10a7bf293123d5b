package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/**
 * {@code ONBUILD trigger}: the trigger text (keyword included, heredoc bodies appended) stored in
 * the image, and its keyword (null when it is no instruction; BuildKit only finds out when a child
 * image is built).
 */
public record OnbuildInstruction(Location location, String original, Keyword triggerKeyword,
                                 String expression) implements Instruction {
    public OnbuildInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        
        Objects.requireNonNull(expression, "expression");
    }

    @Override
    public Keyword keyword() {
        return Keyword.ONBUILD;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }
}
