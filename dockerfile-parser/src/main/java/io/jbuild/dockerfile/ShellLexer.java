package io.jbuild.dockerfile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Shell-word expansion exactly as BuildKit's {@code frontend/dockerfile/shell} lexer does it:
 * quotes, escapes, {@code $v}, {@code ${v}}, {@code ${v:-w}} and the other parameter forms,
 * optional word splitting.
 *
 * <p>An environment maps names to values; a key present with {@code ""} is set but empty, a
 * missing key (or one mapped to {@code null}) is unset. Names are case-sensitive (BuildKit on
 * Unix).
 *
 * <p>Instances are immutable and safe to share between threads; the options are changed with the
 * {@code with...} methods, which return copies. Every failure is a
 * {@link ShellExpansionException} whose message is BuildKit's, e.g.
 * {@code failed to process "${X?}": X: is not allowed to be unset}.
 *
 * <p>One BuildKit quirk is reproduced on purpose: since BuildKit v0.15 the partial word being
 * built by {@link #processWords} is kept in a buffer that a nested {@code ${v:-w}},
 * {@code ${v#p}} or {@code ${v/p/r}} form resets, so the unquoted text of the current word before
 * such a form is lost ({@code ab${X:-c}d} gives the single word {@code cd}). {@link #processWord}
 * is not affected.
 */
public final class ShellLexer {
    /** Deepest nesting of {@code ${...}} forms accepted (BuildKit has no limit; a Java stack does). */
    static final int MAX_NESTING = 500;

    private static final int EOF = -1;

    private final char escape;
    private final boolean rawQuotes;
    private final boolean rawEscapes;
    private final boolean skipUnsetEnv;
    private final boolean skipProcessQuotes;

    /** A lexer with default options: quotes and escapes removed, unset variables expand to "". */
    public ShellLexer(char escape) {
        this(escape, false, false, false, false);
    }

    private ShellLexer(char escape, boolean rawQuotes, boolean rawEscapes, boolean skipUnsetEnv,
            boolean skipProcessQuotes) {
        this.escape = escape;
        this.rawQuotes = rawQuotes;
        this.rawEscapes = rawEscapes;
        this.skipUnsetEnv = skipUnsetEnv;
        this.skipProcessQuotes = skipProcessQuotes;
    }

    public char escape() {
        return escape;
    }

    /** Whether quote characters are kept in the output (BuildKit's {@code RawQuotes}). */
    public boolean rawQuotes() {
        return rawQuotes;
    }

    /** Whether escape characters are kept in the output (BuildKit's {@code RawEscapes}). */
    public boolean rawEscapes() {
        return rawEscapes;
    }

    /** Whether unset variables are left as written (BuildKit's {@code SkipUnsetEnv}). */
    public boolean skipUnsetEnv() {
        return skipUnsetEnv;
    }

    /** Whether quotes are ordinary characters (BuildKit's {@code SkipProcessQuotes}). */
    public boolean skipProcessQuotes() {
        return skipProcessQuotes;
    }

    /**
     * A copy that keeps the quote characters of {@code '...'} and {@code "..."} in the output
     * (their content is still processed as usual).
     */
    public ShellLexer withRawQuotes(boolean value) {
        return new ShellLexer(escape, value, rawEscapes, skipUnsetEnv, skipProcessQuotes);
    }

    /**
     * A copy that keeps escape characters in the output (the escaped character still loses its
     * special meaning). As in BuildKit, the words of {@code ${v:-w}}, {@code ${v:+w}} and
     * {@code ${v:?m}} are processed without raw escapes, and the patterns of {@code #}, {@code %}
     * and {@code /} always with them.
     */
    public ShellLexer withRawEscapes(boolean value) {
        return new ShellLexer(escape, rawQuotes, value, skipUnsetEnv, skipProcessQuotes);
    }

    /**
     * A copy that leaves references to unset variables as written: {@code $X} stays {@code $X},
     * {@code ${X}} stays {@code ${X}}, {@code ${X:-w}} becomes {@code ${X:-<w expanded>}} (and
     * its error cases are not raised).
     */
    public ShellLexer withSkipUnsetEnv(boolean value) {
        return new ShellLexer(escape, rawQuotes, rawEscapes, value, skipProcessQuotes);
    }

    /** A copy that treats {@code '} and {@code "} as ordinary characters. */
    public ShellLexer withSkipProcessQuotes(boolean value) {
        return new ShellLexer(escape, rawQuotes, rawEscapes, skipUnsetEnv, value);
    }

    /** The result of expanding one word, with the variable names found and not found on the way. */
    public record Expansion(String result, Set<String> matched, Set<String> unmatched) {
        public Expansion {
            Objects.requireNonNull(result, "result");
            matched = Set.copyOf(matched);
            unmatched = Set.copyOf(unmatched);
        }
    }

    /** Expands {@code word} into one string (no word splitting). */
    public Expansion processWord(String word, Map<String, String> env) throws ShellExpansionException {
        Scan scan = new Scan(word, env);
        Part part = scan.run();
        return new Expansion(part.result, scan.matched, scan.unmatched);
    }

    /** Expands {@code word} and splits the result into words as BuildKit's ProcessWords does. */
    public List<String> processWords(String word, Map<String, String> env) throws ShellExpansionException {
        return List.copyOf(new Scan(word, env).run().words);
    }

    /** The outcome of processing up to a stop character: the string and its words. */
    private record Part(String result, List<String> words) {
    }

    /** The state of one expansion: BuildKit's {@code shellWord} with its scanner. */
    private final class Scan {
        private final String source;
        private final Map<String, String> env;
        private final Set<String> matched = new HashSet<>();
        private final Set<String> unmatched = new HashSet<>();
        /** Shared by every nesting level, as BuildKit's {@code shellWord.wordsBuffer}. */
        private final StringBuilder wordsBuffer = new StringBuilder();
        private boolean currentRawEscapes;
        private int pos;
        private int depth;

        Scan(String source, Map<String, String> env) {
            this.source = Objects.requireNonNull(source, "word");
            this.env = Objects.requireNonNull(env, "env");
            this.currentRawEscapes = rawEscapes;
            // Go's text/scanner drops a byte order mark at the very start of its input
            this.pos = source.startsWith("\uFEFF") ? 1 : 0;
        }

        Part run() throws ShellExpansionException {
            try {
                return processStopOn(EOF, rawEscapes);
            } catch (ShellExpansionException e) {
                throw new ShellExpansionException("failed to process " + GoQuote.quote(source) + ": " + e.reason());
            } catch (StackOverflowError e) {
                throw new ShellExpansionException("failed to process " + GoQuote.quote(source)
                        + ": substitutions nested too deeply");
            }
        }

        private int peek() {
            return pos < source.length() ? source.codePointAt(pos) : EOF;
        }

        private int next() {
            if (pos >= source.length()) {
                return EOF;
            }
            int ch = source.codePointAt(pos);
            pos += Character.charCount(ch);
            return ch;
        }

        private Part processStopOn(int stopChar, boolean raw) throws ShellExpansionException {
            if (depth >= MAX_NESTING) {
                throw new ShellExpansionException("substitutions nested more than " + MAX_NESTING + " deep");
            }
            boolean saved = currentRawEscapes;
            currentRawEscapes = raw;
            depth++;
            try {
                return processStopOnWith(stopChar);
            } finally {
                depth--;
                currentRawEscapes = saved;
            }
        }

        private Part processStopOnWith(int stopChar) throws ShellExpansionException {
            StringBuilder result = new StringBuilder();
            wordsBuffer.setLength(0);
            Words words = new Words(wordsBuffer);
            while (peek() != EOF) {
                int ch = peek();
                if (stopChar != EOF && ch == stopChar) {
                    next();
                    return new Part(result.toString(), words.getWords());
                }
                String special = null;
                if (ch == '$') {
                    special = processDollar();
                } else if (ch == '<') {
                    special = processPossibleHeredoc();
                } else if (!skipProcessQuotes && ch == '\'') {
                    special = processSingleQuote();
                } else if (!skipProcessQuotes && ch == '"') {
                    special = processDoubleQuote();
                }
                if (special != null) {
                    result.append(special);
                    if (ch == '$') {
                        words.addString(special);
                    } else {
                        words.addRawString(special);
                    }
                    continue;
                }
                ch = next();
                if (ch == escape) {
                    if (currentRawEscapes) {
                        words.addRawChar(ch);
                        result.appendCodePoint(ch);
                    }
                    // the escape character escapes the next one, except at the end of the word
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
            if (stopChar != EOF) {
                throw new ShellExpansionException("unexpected end of statement while looking for matching "
                        + Character.toString(stopChar));
            }
            return new Part(result.toString(), words.getWords());
        }

        private String processSingleQuote() throws ShellExpansionException {
            // everything up to the next ' is literal; a ' cannot be escaped inside
            StringBuilder result = new StringBuilder();
            int ch = next();
            if (rawQuotes) {
                result.appendCodePoint(ch);
            }
            while (true) {
                ch = next();
                if (ch == EOF) {
                    throw new ShellExpansionException(
                            "unexpected end of statement while looking for matching single-quote");
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

        private String processDoubleQuote() throws ShellExpansionException {
            // everything up to the next unescaped " is literal except $ expansions; the escape
            // character escapes only ", $ and itself and is kept before anything else
            StringBuilder result = new StringBuilder();
            int ch = next();
            if (rawQuotes) {
                result.appendCodePoint(ch);
            }
            while (true) {
                int p = peek();
                if (p == EOF) {
                    throw new ShellExpansionException(
                            "unexpected end of statement while looking for matching double-quote");
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
                    if (currentRawEscapes) {
                        result.appendCodePoint(ch);
                    }
                    int following = peek();
                    if (following == EOF) {
                        continue; // an escape at the end of the word is dropped
                    }
                    if (following == '"' || following == '$' || following == escape) {
                        ch = next();
                    }
                }
                result.appendCodePoint(ch);
            }
        }

        private String processPossibleHeredoc() {
            next();
            if (peek() != '<') {
                return "<";
            }
            next();
            // a heredoc may have blanks between << and its delimiter word; they stay in the word
            StringBuilder result = new StringBuilder("<<");
            while (peek() == '\t' || peek() == '\r' || peek() == ' ') {
                result.appendCodePoint(next());
            }
            return result.toString();
        }

        private String processDollar() throws ShellExpansionException {
            next();
            if (peek() != '{') {
                String name = processName();
                if (name.isEmpty()) {
                    return "$";
                }
                String value = getEnv(name);
                if (value == null) {
                    return skipUnsetEnv ? "$" + name : "";
                }
                return value;
            }
            next();
            int first = peek();
            if (first == EOF) {
                throw new ShellExpansionException("syntax error: missing '}'");
            }
            if (first == '{' || first == '}' || first == ':') {
                throw new ShellExpansionException("syntax error: bad substitution");
            }
            String name = processName();
            int ch = next();
            StringBuilder chs = new StringBuilder();
            ShellPattern.appendRune(chs, ch);
            switch (ch) {
                case '}' -> {
                    String value = getEnv(name);
                    if (value == null) {
                        return skipUnsetEnv ? "${" + name + "}" : "";
                    }
                    return value;
                }
                case ':' -> {
                    // ${v:-w} and friends: an empty value counts as unset
                    ch = next();
                    ShellPattern.appendRune(chs, ch);
                    return processModifier(name, ch, chs.toString(), true);
                }
                case '+', '-', '?', '#', '%' -> {
                    return processModifier(name, ch, chs.toString(), false);
                }
                case '/' -> {
                    return processReplacement(name);
                }
                default -> throw unsupportedModifier(chs.toString());
            }
        }

        private ShellExpansionException unsupportedModifier(String chs) {
            return new ShellExpansionException("unsupported modifier (" + chs + ") in substitution");
        }

        /** {@code ${name<chs>word}} after the modifier characters {@code chs} have been read. */
        private String processModifier(String name, int ch, String chs, boolean nullIsUnset)
                throws ShellExpansionException {
            boolean trims = ch == '#' || ch == '%';
            if (nullIsUnset && trims) {
                throw unsupportedModifier(chs);
            }
            String word = processStopOnClosing('}', trims, "syntax error: missing '}'").result;

            String found = getEnv(name);
            boolean set = found != null;
            String value = set ? found : "";
            if (!set && skipUnsetEnv) {
                return "${" + name + chs + word + "}";
            }
            boolean absent = !set || (nullIsUnset && value.isEmpty());
            switch (ch) {
                case '-':
                    return absent ? word : value;
                case '+':
                    return absent ? "" : word;
                case '?':
                    if (!set) {
                        throw new ShellExpansionException(
                                name + ": " + (word.isEmpty() ? "is not allowed to be unset" : word));
                    }
                    if (absent) {
                        throw new ShellExpansionException(
                                name + ": " + (word.isEmpty() ? "is not allowed to be empty" : word));
                    }
                    return value;
                case '#':
                case '%': {
                    // # and % remove the shortest match, ## and %% the longest
                    boolean greedy = !word.isEmpty() && word.charAt(0) == ch;
                    String pattern = greedy ? word.substring(1) : word;
                    return ch == '%' ? trimSuffix(pattern, value, greedy) : trimPrefix(pattern, value, greedy);
                }
                default:
                    throw unsupportedModifier(chs);
            }
        }

        /** {@code ${name/pattern/replacement}} and {@code ${name//pattern/replacement}}. */
        private String processReplacement(String name) throws ShellExpansionException {
            boolean replaceAll = peek() == '/';
            if (replaceAll) {
                next();
            }
            String pattern = processStopOnClosing('/', true, "syntax error: missing '/' in ${}").result;
            String replacement = processStopOnClosing('}', true, "syntax error: missing '}'").result;

            String value = getEnv(name);
            if (value == null && skipUnsetEnv) {
                return "${" + name + "/" + pattern + "/" + replacement + "}";
            }
            String text = value == null ? "" : value;
            ShellPattern compiled = compile(pattern, true);
            int[] cps = text.codePoints().toArray();
            if (!replaceAll) {
                int[] match = compiled.find(cps, 0, false);
                if (match == null) {
                    return text;
                }
                return new String(cps, 0, match[0]) + replacement + new String(cps, match[1], cps.length - match[1]);
            }
            return replaceAll(compiled, cps, replacement);
        }

        /** Go's {@code Regexp.ReplaceAllString}: every match, the replacement a {@code $} template. */
        private String replaceAll(ShellPattern compiled, int[] cps, String template) {
            StringBuilder out = new StringBuilder();
            int lastMatchEnd = 0;
            int searchPos = 0;
            while (searchPos <= cps.length) {
                int[] match = compiled.find(cps, searchPos, false);
                if (match == null) {
                    break;
                }
                out.append(new String(cps, lastMatchEnd, match[0] - lastMatchEnd));
                // no replacement for an empty match right after another match
                if (match[1] > lastMatchEnd || match[0] == 0) {
                    expandTemplate(out, template, new String(cps, match[0], match[1] - match[0]));
                }
                lastMatchEnd = match[1];
                int width = searchPos < cps.length ? 1 : 0;
                if (searchPos + width > match[1]) {
                    searchPos += width;
                } else if (searchPos + 1 > match[1]) {
                    searchPos++;
                } else {
                    searchPos = match[1];
                }
            }
            out.append(new String(cps, lastMatchEnd, cps.length - lastMatchEnd));
            return out.toString();
        }

        private Part processStopOnClosing(int stopChar, boolean raw, String missing) throws ShellExpansionException {
            try {
                return processStopOn(stopChar, raw);
            } catch (ShellExpansionException e) {
                if (peek() == EOF) {
                    throw new ShellExpansionException(missing);
                }
                throw e;
            }
        }

        private String trimPrefix(String pattern, String value, boolean greedy) throws ShellExpansionException {
            ShellPattern compiled = compile(pattern, greedy);
            int[] cps = value.codePoints().toArray();
            int[] match = compiled.find(cps, 0, true);
            return match == null ? value : new String(cps, match[1], cps.length - match[1]);
        }

        private String trimSuffix(String pattern, String value, boolean greedy) throws ShellExpansionException {
            // a leftmost search cannot find the shortest rightmost match: reverse both and trim a prefix
            String reversed = trimPrefix(ShellPattern.reversePattern(pattern), reverse(value), greedy);
            return reverse(reversed);
        }

        private ShellPattern compile(String pattern, boolean greedy) throws ShellExpansionException {
            try {
                return ShellPattern.compile(pattern, greedy);
            } catch (ShellExpansionException e) {
                throw new ShellExpansionException(
                        "invalid pattern (" + pattern + ") in substitution: " + e.reason());
            }
        }

        private String processName() {
            // letters, digits and _; a leading digit takes all following digits and nothing else;
            // a special parameter is one character
            StringBuilder name = new StringBuilder();
            while (peek() != EOF) {
                int ch = peek();
                if (name.length() == 0 && Character.isDigit(ch)) {
                    while (peek() != EOF && Character.isDigit(peek())) {
                        name.appendCodePoint(next());
                    }
                    return name.toString();
                }
                if (name.length() == 0 && isSpecialParameter(ch)) {
                    next();
                    return Character.toString(ch);
                }
                if (!Character.isLetter(ch) && !Character.isDigit(ch) && ch != '_') {
                    break;
                }
                name.appendCodePoint(next());
            }
            return name.toString();
        }

        /** The value of {@code name}, or {@code null} when unset; records the look-up. */
        private String getEnv(String name) {
            String value = env.get(name);
            if (value != null) {
                matched.add(name);
            } else {
                unmatched.add(name);
            }
            return value;
        }
    }

    /** BuildKit's {@code wordsStruct}: splits on whitespace except where characters are raw. */
    private static final class Words {
        private final StringBuilder buf;
        private final List<String> words = new ArrayList<>();
        private boolean inWord;

        Words(StringBuilder buf) {
            this.buf = buf;
        }

        void addChar(int ch) {
            if (isSpace(ch)) {
                if (inWord && buf.length() != 0) {
                    words.add(buf.toString());
                    buf.setLength(0);
                    inWord = false;
                }
            } else {
                addRawChar(ch);
            }
        }

        void addRawChar(int ch) {
            buf.appendCodePoint(ch);
            inWord = true;
        }

        void addString(String s) {
            for (int i = 0; i < s.length(); ) {
                int ch = s.codePointAt(i);
                i += Character.charCount(ch);
                addChar(ch);
            }
        }

        void addRawString(String s) {
            buf.append(s);
            inWord = true;
        }

        List<String> getWords() {
            if (buf.length() > 0) {
                words.add(buf.toString());
                buf.setLength(0);
                inWord = false;
            }
            return words;
        }
    }

    private static boolean isSpecialParameter(int ch) {
        return ch == '@' || ch == '*' || ch == '#' || ch == '?' || ch == '-' || ch == '$' || ch == '!' || ch == '0';
    }

    /** Go's {@code unicode.IsSpace}. */
    static boolean isSpace(int ch) {
        switch (ch) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
                return true;
            default:
                return ch >= 0x2000 && ch <= 0x200A;
        }
    }

    private static String reverse(String s) {
        int[] cps = s.codePoints().toArray();
        for (int i = 0, j = cps.length - 1; i < j; i++, j--) {
            int t = cps[i];
            cps[i] = cps[j];
            cps[j] = t;
        }
        return new String(cps, 0, cps.length);
    }

    /**
     * Go's {@code Regexp.Expand} for a pattern without groups: {@code $0} and {@code ${0}} are the
     * match, {@code $$} is {@code $}, other names are empty, a malformed reference is literal.
     */
    private static void expandTemplate(StringBuilder out, String template, String match) {
        int i = 0;
        int n = template.length();
        while (i < n) {
            int dollar = template.indexOf('$', i);
            if (dollar < 0) {
                break;
            }
            out.append(template, i, dollar);
            i = dollar + 1;
            if (i < n && template.charAt(i) == '$') {
                out.append('$');
                i++;
                continue;
            }
            boolean brace = i < n && template.charAt(i) == '{';
            int nameStart = brace ? i + 1 : i;
            int j = nameStart;
            while (j < n) {
                int cp = template.codePointAt(j);
                if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
                    break;
                }
                j += Character.charCount(cp);
            }
            if (j == nameStart || (brace && (j >= n || template.charAt(j) != '}'))) {
                out.append('$'); // malformed: the $ is literal
                continue;
            }
            String name = template.substring(nameStart, j);
            i = brace ? j + 1 : j;
            // the pattern has no groups: only group 0 (Go reads "00" as a name, not a number) exists
            if (name.equals("0")) {
                out.append(match);
            }
        }
        out.append(template, Math.min(i, n), n);
    }
}
