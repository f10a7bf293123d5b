package io.jbuild.dockerfile;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shell-word expansion exactly as BuildKit's {@code frontend/dockerfile/shell} lexer does it:
 * quotes, escapes, {@code $v}, {@code ${v}}, {@code ${v:-w}} and the other parameter forms,
 * optional word splitting.
 *
 * <p>An environment maps names to values; a key present with {@code ""} is set but empty, a
 * missing key is unset.
 */
public final class ShellLexer {
    private final char escape;

    public ShellLexer(char escape) {
        this.escape = escape;
    }

    public char escape() {
        return escape;
    }

    /** The result of expanding one word, with the variable names found and not found on the way. */
    public record Expansion(String result, Set<String> matched, Set<String> unmatched) {
        public Expansion {
            matched = Set.copyOf(matched);
            unmatched = Set.copyOf(unmatched);
        }
    }

    /** Expands {@code word} into one string (no word splitting). */
    public Expansion processWord(String word, Map<String, String> env) throws ShellExpansionException {
        throw new ShellExpansionException("shell expansion not implemented yet");
    }

    /** Expands {@code word} and splits the result into words as BuildKit's ProcessWords does. */
    public List<String> processWords(String word, Map<String, String> env) throws ShellExpansionException {
        throw new ShellExpansionException("shell expansion not implemented yet");
    }
}
