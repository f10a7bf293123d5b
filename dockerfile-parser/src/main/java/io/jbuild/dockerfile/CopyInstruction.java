package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/**
 * {@code COPY [flags] src... dest}. Heredoc sources are in {@code contents}; {@code from}, {@code
 * chown}, {@code chmod} are null when not given; {@code chmodMode} is the parsed chmod when it
 * uses no variable.
 */
public record CopyInstruction(Location location, String original, List<String> sources, List<SourceContent> contents,
                              String dest, String from, String chown, String chmod, Chmod chmodMode, boolean link,
                              boolean parents, List<String> excludes) implements Instruction {
    public CopyInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        sources = List.copyOf(sources);
        contents = List.copyOf(contents);
        Objects.requireNonNull(dest, "dest");
        excludes = List.copyOf(excludes);
    }

    @Override
    public Keyword keyword() {
        return Keyword.COPY;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    /** A copy with sources, destination, --chown, --chmod and --exclude expanded (not --from, as BuildKit). */
    @Override
    public CopyInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            String mode = Instructions.expandNullable(expander, chmod);
            return new CopyInstruction(location, original, Instructions.expandAll(expander, sources), contents,
                    expander.expand(dest), from,
                    Instructions.expandNullable(expander, chown), mode, mode == null ? null : Chmod.parse(mode), link,
                    parents, Instructions.expandAll(expander, excludes));
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
