package io.jbuild.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Heredoc helpers, with BuildKit's semantics: finding the {@code <<WORD} words of a RUN, COPY or
 * ADD line, reading a delimiter word (quotes, {@code <<-}, {@code 3<<}), and removing leading
 * tabs for {@code <<-}.
 *
 * <p>Words are found with a small shell-word splitter that behaves as BuildKit's lexer does with
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
            words = new WordLexer(rest, escape, false, false).words();
            if (words.size() != 1) {
                return Optional.empty();
            }
            rawWords = new WordLexer(rest, escape, true, false).words();
        } catch (LexException e) {
            throw new DockerfileException(null, 0, 0,
                    "read heredoc delimiter " + GoQuote.quote(word) + ": " + e.getMessage());
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
            words = new WordLexer(line, escape, true, true).words();
        } catch (LexException e) {
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

    private static final class LexException extends Exception {
        LexException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Shell-word splitting as BuildKit's lexer does it with an empty environment and unset
     * variables kept as written. One instance reads one text once.
     */
    private static final class WordLexer {
        private static final int EOF = -1;
        private static final int MAX_DEPTH = 500;

        private final String s;
        private final int escape;
        private final boolean rawQuotes;
        private boolean rawEscapes;
        private int pos;
        private int depth;
        /** BuildKit shares one words buffer between nested reads; the quirks follow from that. */
        private final StringBuilder wordsBuffer = new StringBuilder();

        WordLexer(String s, char escape, boolean rawQuotes, boolean rawEscapes) {
            this.s = s;
            this.escape = escape;
            this.rawQuotes = rawQuotes;
            this.rawEscapes = rawEscapes;
            // Go's text/scanner skips a byte order mark at the very start
            if (s.startsWith("\uFEFF")) {
                pos = 1;
            }
        }

        List<String> words() throws LexException {
            return processStopOn(EOF, rawEscapes).words;
        }

        private int peek() {
            return pos < s.length() ? s.codePointAt(pos) : EOF;
        }

        private int next() {
            if (pos >= s.length()) {
                return EOF;
            }
            int cp = s.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }

        private record Processed(String result, List<String> words) {
        }

        private final class Words {
            final List<String> list = new ArrayList<>();
            boolean inWord;

            void addChar(int ch) {
                boolean space = DockerfileParser.isGoSpace(ch);
                if (space && inWord) {
                    if (wordsBuffer.length() != 0) {
                        list.add(wordsBuffer.toString());
                        wordsBuffer.setLength(0);
                        inWord = false;
                    }
                } else if (!space) {
                    addRawChar(ch);
                }
            }

            void addRawChar(int ch) {
                wordsBuffer.appendCodePoint(ch);
                inWord = true;
            }

            void addString(String str) {
                for (int i = 0; i < str.length(); ) {
                    int cp = str.codePointAt(i);
                    i += Character.charCount(cp);
                    addChar(cp);
                }
            }

            void addRawString(String str) {
                wordsBuffer.append(str);
                inWord = true;
            }

            List<String> get() {
                if (wordsBuffer.length() > 0) {
                    list.add(wordsBuffer.toString());
                    wordsBuffer.setLength(0);
                    inWord = false;
                }
                return list;
            }
        }

        private Processed processStopOn(int stopChar, boolean rawEsc) throws LexException {
            if (++depth > MAX_DEPTH) {
                // Go's stack grows without limit; ours does not, so give up on absurd nesting
                throw new LexException("substitutions nested too deeply");
            }
            StringBuilder result = new StringBuilder();
            wordsBuffer.setLength(0);
            Words words = new Words();
            boolean saved = rawEscapes;
            rawEscapes = rawEsc;
            try {
                while (peek() != EOF) {
                    int ch = peek();
                    if (stopChar != EOF && ch == stopChar) {
                        next();
                        return new Processed(result.toString(), words.get());
                    }
                    if (ch == '$') {
                        String tmp = processDollar();
                        result.append(tmp);
                        words.addString(tmp);
                    } else if (ch == '<') {
                        String tmp = processPossibleHeredoc();
                        result.append(tmp);
                        words.addRawString(tmp);
                    } else if (ch == '\'') {
                        String tmp = processSingleQuote();
                        result.append(tmp);
                        words.addRawString(tmp);
                    } else if (ch == '"') {
                        String tmp = processDoubleQuote();
                        result.append(tmp);
                        words.addRawString(tmp);
                    } else {
                        ch = next();
                        if (ch == escape) {
                            if (rawEscapes) {
                                words.addRawChar(ch);
                                result.appendCodePoint(ch);
                            }
                            ch = next();
                            if (ch == EOF) {
                                break;
                            }
                            words.addRawChar(ch);
                        } else {
                            words.addChar(ch);
                        }
                        result.appendCodePoint(ch);
                    }
                }
                if (stopChar != EOF) {
                    throw new LexException("unexpected end of statement while looking for matching "
                            + new String(Character.toChars(stopChar)));
                }
                return new Processed(result.toString(), words.get());
            } finally {
                rawEscapes = saved;
                depth--;
            }
        }

        private String processSingleQuote() throws LexException {
            StringBuilder result = new StringBuilder();
            int ch = next();
            if (rawQuotes) {
                result.appendCodePoint(ch);
            }
            while (true) {
                ch = next();
                if (ch == EOF) {
                    throw new LexException("unexpected end of statement while looking for matching single-quote");
                }
                if (ch == '\'') {
                    if (rawQuotes) {
                        result.appendCodePoint(ch);
                    }
                    return result.toString();
                }
                result.appendCodePoint(ch);
            }
        }

        private String processDoubleQuote() throws LexException {
            StringBuilder result = new StringBuilder();
            int ch = next();
            if (rawQuotes) {
                result.appendCodePoint(ch);
            }
            while (true) {
                int p = peek();
                if (p == EOF) {
                    throw new LexException("unexpected end of statement while looking for matching double-quote");
                }
                if (p == '"') {
                    ch = next();
                    if (rawQuotes) {
                        result.appendCodePoint(ch);
                    }
                    return result.toString();
                }
                if (p == '$') {
                    result.append(processDollar());
                    continue;
                }
                ch = next();
                if (ch == escape) {
                    if (rawEscapes) {
                        result.appendCodePoint(ch);
                    }
                    int q = peek();
                    if (q == EOF) {
                        continue;
                    }
                    if (q == '"' || q == '$' || q == escape) {
                        ch = next();
                    }
                }
                result.appendCodePoint(ch);
            }
        }

        private static String runeString(int ch) {
            // Go's string(rune) gives U+FFFD for EOF (-1)
            return ch < 0 ? "\uFFFD" : new String(Character.toChars(ch));
        }

        private String processDollar() throws LexException {
            next(); // $
            if (peek() != '{') {
                String name = processName();
                if (name.isEmpty()) {
                    return "$";
                }
                return "$" + name; // unset variables are kept as written
            }
            next(); // {
            int p = peek();
            if (p == EOF) {
                throw new LexException("syntax error: missing '}'");
            }
            if (p == '{' || p == '}' || p == ':') {
                throw new LexException("syntax error: bad substitution");
            }
            String name = processName();
            int ch = next();
            String chs = runeString(ch);
            boolean nullIsUnset = false;
            if (ch == '}') {
                return "${" + name + "}";
            }
            if (ch == ':') {
                nullIsUnset = true;
                ch = next();
                chs += runeString(ch);
            }
            if (nullIsUnset || ch == '+' || ch == '-' || ch == '?' || ch == '#' || ch == '%') {
                boolean rawEsc = ch == '#' || ch == '%';
                if (nullIsUnset && rawEsc) {
                    throw new LexException("unsupported modifier (" + chs + ") in substitution");
                }
                String word;
                try {
                    word = processStopOn('}', rawEsc).result;
                } catch (LexException e) {
                    if (peek() == EOF) {
                        throw new LexException("syntax error: missing '}'");
                    }
                    throw e;
                }
                return "${" + name + chs + word + "}";
            }
            if (ch == '/') {
                if (peek() == '/') {
                    next();
                }
                String pattern;
                try {
                    pattern = processStopOn('/', true).result;
                } catch (LexException e) {
                    if (peek() == EOF) {
                        throw new LexException("syntax error: missing '/' in ${}");
                    }
                    throw e;
                }
                String replacement;
                try {
                    replacement = processStopOn('}', true).result;
                } catch (LexException e) {
                    if (peek() == EOF) {
                        throw new LexException("syntax error: missing '}'");
                    }
                    throw e;
                }
                return "${" + name + "/" + pattern + "/" + replacement + "}";
            }
            throw new LexException("unsupported modifier (" + chs + ") in substitution");
        }

        private String processName() {
            StringBuilder name = new StringBuilder();
            while (peek() != EOF) {
                int ch = peek();
                if (name.length() == 0 && Character.isDigit(ch)) {
                    while (peek() != EOF && Character.isDigit(peek())) {
                        name.appendCodePoint(next());
                    }
                    return name.toString();
                }
                if (name.length() == 0 && isSpecialParam(ch)) {
                    next();
                    return runeString(ch);
                }
                if (!Character.isLetter(ch) && !Character.isDigit(ch) && ch != '_') {
                    break;
                }
                name.appendCodePoint(next());
            }
            return name.toString();
        }

        private static boolean isSpecialParam(int ch) {
            switch (ch) {
                case '@', '*', '#', '?', '-', '$', '!', '0':
                    return true;
                default:
                    return false;
            }
        }

        private String processPossibleHeredoc() {
            next(); // <
            if (peek() != '<') {
                return "<";
            }
            next();
            StringBuilder sb = new StringBuilder("<<");
            int p = peek();
            while (p == '\t' || p == '\r' || p == ' ') {
                sb.append((char) p);
                next();
                p = peek();
            }
            return sb.toString();
        }
    }
}
