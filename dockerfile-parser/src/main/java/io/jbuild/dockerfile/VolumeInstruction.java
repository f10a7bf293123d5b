package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code VOLUME path...} or {@code VOLUME ["path", ...]}. */
public record VolumeInstruction(Location location, String original, List<String> volumes) implements Instruction {
    public VolumeInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        volumes = List.copyOf(volumes);
    }

    @Override
    public Keyword keyword() {
        return Keyword.VOLUME;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    @Override
    public VolumeInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            List<String> out = Instructions.expandAll(expander, volumes);
            for (String v : out) {
                if (v.isEmpty()) {
                    throw Instructions.error("VOLUME specified can not be an empty string");
                }
            }
            return new VolumeInstruction(location, original, out);
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
