package io.jbuild.dockerfile;

/**
 * A heredoc attached to a RUN, COPY or ADD line, as BuildKit extracts it.
 *
 * @param name the delimiter word with quotes removed ({@code <<'EOF'} gives {@code EOF})
 * @param content the raw body lines, each with its {@code \n}; leading tabs kept even for {@code <<-}
 * @param expand false when any part of the delimiter was quoted (no variable expansion of the body)
 * @param chomp true for {@code <<-} (leading tabs are removed later, by {@link Heredocs#chomp})
 * @param fileDescriptor the descriptor before {@code <<} ({@code 3<<EOF}), 0 when none was written
 */
public record Heredoc(String name, String content, boolean expand, boolean chomp, int fileDescriptor) {
    public Heredoc {
        if (name == null || content == null) {
            throw new IllegalArgumentException("heredoc name and content must not be null");
        }
    }
}
