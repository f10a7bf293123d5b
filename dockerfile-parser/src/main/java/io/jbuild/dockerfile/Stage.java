package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/**
 * One build stage: a FROM and the instructions up to the next FROM.
 *
 * @param name the lower-cased {@code AS} name, null when unnamed
 * @param index the 0-based position among the stages
 * @param baseImage the FROM image expression as written (ARGs not yet expanded)
 * @param platform the {@code --platform} expression as written, null when not given
 * @param from the FROM instruction itself
 * @param instructions the instructions after FROM, in order
 * @param location where the FROM is
 */
public record Stage(String name, int index, String baseImage, String platform, FromInstruction from,
                    List<Instruction> instructions, Location location) {
    public Stage {
        Objects.requireNonNull(baseImage, "baseImage");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(location, "location");
        instructions = List.copyOf(instructions);
        if (index < 0) {
            throw new IllegalArgumentException("negative stage index " + index);
        }
    }

    /** The name if it has one, else its index as text (how --target and --from refer to it). */
    public String displayName() {
        return name != null ? name : Integer.toString(index);
    }
}
