package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/** {@code ENV k=v...} or the legacy {@code ENV k v}; keys and values as written until expanded. */
public record EnvInstruction(Location location, String original, List<KeyValue> env) implements Instruction {
    public EnvInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        env = List.copyOf(env);
    }

    @Override
    public Keyword keyword() {
        return Keyword.ENV;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    @Override
    public EnvInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            return new EnvInstruction(location, original, expandPairs(expander, env));
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }

    static List<KeyValue> expandPairs(WordExpander expander, List<KeyValue> pairs) throws DockerfileException {
        List<KeyValue> out = new java.util.ArrayList<>();
        for (KeyValue kv : pairs) {
            out.add(new KeyValue(expander.expand(kv.key()), expander.expand(kv.value())));
        }
        return out;
    }
}
