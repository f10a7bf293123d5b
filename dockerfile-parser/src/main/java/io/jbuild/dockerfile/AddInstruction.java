package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/**
 * {@code ADD [flags] src... dest}. Heredoc sources are in {@code contents}; string flags are null
 * when not given; {@code unpack} is null when not given; {@code chmodMode} is the parsed chmod
 * when it uses no variable.
 */
public record AddInstruction(Location location, String original, List<String> sources, List<SourceContent> contents,
                             String dest, String chown, String chmod, Chmod chmodMode, boolean link, String checksum,
                             boolean keepGitDir, Boolean unpack, List<String> excludes) implements Instruction {
    public AddInstruction {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(original, "original");
        sources = List.copyOf(sources);
        contents = List.copyOf(contents);
        Objects.requireNonNull(dest, "dest");
        excludes = List.copyOf(excludes);
    }

    @Override
    public Keyword keyword() {
        return Keyword.ADD;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visit(this);
    }

    /** A copy with sources, destination, --chown, --chmod, --checksum and --exclude expanded. */
    @Override
    public AddInstruction expand(WordExpander expander) throws DockerfileException {
        try {
            String mode = Instructions.expandNullable(expander, chmod);
            return new AddInstruction(location, original, Instructions.expandAll(expander, sources), contents,
                    expander.expand(dest), Instructions.expandNullable(expander, chown), mode,
                    mode == null ? null : Chmod.parse(mode), link, Instructions.expandNullable(expander, checksum),
                    keepGitDir, unpack, Instructions.expandAll(expander, excludes));
        } catch (DockerfileException e) {
            throw location.place(e);
        }
    }
}
