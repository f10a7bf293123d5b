package io.jbuild.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Heredoc helpers, with BuildKit's semantics: finding the {@code <<WORD} words of a RUN, COPY or
 * ADD line, reading a delimiter word (quotes, {@code <<-}, {@code 3<<}), and removing leading
 * tabs for {@code <<-}.
 *
 * <p>Words are found with {@link ShellLexer} as BuildKit's lexer does it with
 * an empty environment and unset variables kept verbatim ({@code $EOF} stays {@code $EOF}); in
 * particular {@code <<} followed by blanks stays attached to the next word ({@code <<  EOF}), and
 * a line the lexer cannot read (an unterminated quote, a bad {@code ${...}}) has no heredocs.
 */
public final class Heredocs {
    private Heredocs() {
    }

    /** Removes the leading tabs of every line of {@code content} (the {@code <<-} form). */
    public static String chomp(String content) {
        StringBuilder sb = new StringBuilder(content.length());
        boolean lineStart = true;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (lineStart && c == '\t') {
                continue;
            }
            lineStart = c == '\n';
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * Reads one word as a heredoc delimiter: {@code [fd]<<[-][blanks]word}, where the word may be
     * (partly) quoted. The heredoc returned has empty content.
     *
     * @return the heredoc, or empty when the word is not a heredoc (e.g. {@code <<}, {@code <EOF},
     *     {@code <<EOF sh})
     * @throws DockerfileException when the delimiter has an unterminated quote (no location set)
     */
    public static Optional<Heredoc> parseWord(String word, char escape) throws DockerfileException {
        // ^(\d*)<<(-?)\s*([^<]*)$ without a regex
        int i = 0;
        int n = word.length();
        while (i < n && word.charAt(i) >= '0' && word.charAt(i) <= '9') {
            i++;
        }
        String digits = word.substring(0, i);
        if (!word.startsWith("<<", i)) {
            return Optional.empty();
        }
        i += 2;
        boolean chomp = false;
        if (i < n && word.charAt(i) == '-') {
            chomp = true;
            i++;
        }
        while (i < n && isRegexSpace(word.charAt(i))) {
            i++;
        }
        String rest = word.substring(i);
        if (rest.indexOf('<') >= 0 || rest.isEmpty()) {
            return Optional.empty();
        }
        int fd = parseDescriptor(digits);

        List<String> words;
        List<String> rawWords;
        try {
            words = words(rest, escape, false, false);
            if (words.size() != 1) {
                return Optional.empty();
            }
            rawWords = words(rest, escape, true, false);
        } catch (ShellExpansionException e) {
            throw new DockerfileException(null, 0, 0,
                    "read heredoc delimiter " + GoQuote.quote(word) + ": " + e.reason());
        }
        if (rawWords.size() != 1) {
            throw new DockerfileException(null, 0, 0,
                    "read heredoc delimiter " + GoQuote.quote(word) + ": inconsistent quoting");
        }
        String name = words.get(0);
        boolean expand = countQuotes(name) == countQuotes(rawWords.get(0));
        return Optional.of(new Heredoc(name, "", expand, chomp, fd));
    }

    /**
     * The heredoc names found in a line, in order (empty when none).
     *
     * @throws DockerfileException when a heredoc word has an unterminated quote
     */
    public static List<String> namesInLine(String line, char escape) throws DockerfileException {
        List<Heredoc> docs = fromLine(line, escape);
        List<String> names = new ArrayList<>(docs.size());
        for (Heredoc d : docs) {
            names.add(d.name());
        }
        return names;
    }

    /** The heredocs (without content) announced in a line, in order. */
    static List<Heredoc> fromLine(String line, char escape) throws DockerfileException {
        List<String> words;
        try {
            words = words(line, escape, true, true);
        } catch (ShellExpansionException e) {
            // BuildKit ignores the lexer's error here: such a line has no heredocs
            return List.of();
        }
        List<Heredoc> docs = new ArrayList<>();
        for (String w : words) {
            Optional<Heredoc> d = parseWord(w, escape);
            d.ifPresent(docs::add);
        }
        return docs;
    }

    private static int parseDescriptor(String digits) {
        if (digits.isEmpty()) {
            return 0;
        }
        // Go keeps the maximum value on overflow; an int cannot hold it, so clamp
        if (digits.length() > 10) {
            return Integer.MAX_VALUE;
        }
        long v = Long.parseLong(digits);
        return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }

    private static int countQuotes(String s) {
        int count = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                count++;
            }
        }
        return count;
    }

    /** Go's regexp {@code \s}: {@code [\t\n\f\r ]}. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    /**
     * Shell-word splitting as BuildKit's heredoc code does it: the lexer with an empty environment,
     * unset variables kept as written, and optionally quotes and escapes kept.
     */
    private static List<String> words(String text, char escape, boolean rawQuotes, boolean rawEscapes)
            throws ShellExpansionException {
        return new ShellLexer(escape).withRawQuotes(rawQuotes).withRawEscapes(rawEscapes).withSkipUnsetEnv(true)
                .processWords(text, Map.of());
    }
}
