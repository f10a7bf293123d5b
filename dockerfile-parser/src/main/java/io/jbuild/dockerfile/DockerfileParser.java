package io.jbuild.dockerfile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pass 1: Dockerfile bytes to the plain AST ({@link Node}s), as BuildKit's parser does it:
 * parser directives, line continuations, comments, heredocs, JSON and shell forms.
 *
 * <p>The rules (and their quirks) are BuildKit's; see the conformance corpus README
 * ({@code buildkit-parser/README.md}). Lines are split on {@code \n} and decoded as UTF-8 one by
 * one; all further work is on strings, without regular expressions.
 */
public final class DockerfileParser {
    /** BuildKit reads lines with a 64 KiB scanner buffer: longer lines are an error. */
    static final int MAX_LINE_BYTES = 65535;
    /** ONBUILD ONBUILD ... is rejected by the next pass anyway; bound it to keep dumps shallow. */
    private static final int MAX_ONBUILD_DEPTH = 100;
    private static final String EMPTY_CONTINUATION_DETAIL =
            "Empty continuation lines will become errors in a future release";

    private final String file;
    private final byte[] content;
    private int offset;
    private int lineNo;
    private boolean lastHadNewline;
    private char escape = '\\';
    private boolean directivesDone;
    private final Map<String, String> directives = new LinkedHashMap<>();
    private final List<ParseWarning> warnings = new ArrayList<>();

    private DockerfileParser(String file, byte[] content) {
        this.file = file;
        this.content = content;
    }

    /**
     * Parses a whole Dockerfile.
     *
     * @param file the name used in error messages (e.g. {@code Dockerfile})
     * @param content the file's bytes (UTF-8; a BOM is ignored)
     * @throws DockerfileException with file, line and column when the file cannot be parsed
     */
    public static ParseResult parse(String file, byte[] content) throws DockerfileException {
        return new DockerfileParser(file == null ? "" : file, content == null ? new byte[0] : content).run();
    }

    // ---------------------------------------------------------------- physical lines

    private boolean hasNextLine() {
        return offset < content.length;
    }

    /** The next physical line without its {@code \n}, decoded; counts the line. */
    private String nextLine() throws DockerfileException {
        int start = offset;
        int end = start;
        while (end < content.length && content[end] != '\n') {
            end++;
        }
        lineNo++;
        lastHadNewline = end < content.length;
        offset = lastHadNewline ? end + 1 : end;
        if (end - start > MAX_LINE_BYTES) {
            throw new DockerfileException(file, lineNo, 0,
                    "dockerfile line greater than max allowed size of " + MAX_LINE_BYTES);
        }
        if (lineNo == 1 && end - start >= 3 && (content[start] & 0xFF) == 0xEF
                && (content[start + 1] & 0xFF) == 0xBB && (content[start + 2] & 0xFF) == 0xBF) {
            start += 3;
        }
        return new String(content, start, end - start, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- the main loop

    private ParseResult run() throws DockerfileException {
        List<Node> nodes = new ArrayList<>();
        while (hasNextLine()) {
            String physical = trimTrailingNewlines(nextLine());
            int leading = leadingSpaceLength(physical);
            String first = physical.substring(leading);
            int column = leading + 1; // leading blanks are all in the BMP: chars are code points
            if (!directivesDone && readDirective(first, leading + 1)) {
                continue;
            }
            directivesDone = true;
            if (isComment(first)) {
                continue;
            }
            int startLine = lineNo;
            int cut = continuationCut(first);
            if (cut < 0 && first.isEmpty()) {
                continue;
            }
            StringBuilder buf = new StringBuilder(cut < 0 ? first : first.substring(0, cut));
            boolean continues = cut >= 0;
            boolean emptyContinuation = false;
            while (continues && hasNextLine()) {
                String next = trimTrailingNewlines(nextLine());
                if (isComment(next)) {
                    continue;
                }
                if (leadingSpaceLength(next) == next.length()) {
                    emptyContinuation = true;
                    continue;
                }
                int c = continuationCut(next);
                continues = c >= 0;
                buf.append(continues ? next.substring(0, c) : next);
            }
            String line = buf.toString();
            if (emptyContinuation) {
                warnings.add(new ParseWarning("Empty continuation line found in: " + line,
                        EMPTY_CONTINUATION_DETAIL, lineNo));
            }
            Node node;
            try {
                node = nodeFromLine(line, startLine, column);
            } catch (DockerfileException e) {
                throw e.at(file, startLine, column);
            }
            List<Heredoc> heredocs = List.of();
            if (canContainHeredoc(node) && line.contains("<<")) {
                heredocs = readHeredocs(line, startLine, column);
            }
            nodes.add(finish(node, heredocs, lineNo));
        }
        if (nodes.isEmpty()) {
            throw new DockerfileException(file, 0, 0, "file with no instructions");
        }
        return new ParseResult(file, nodes, warnings, directives, escape);
    }

    private List<Heredoc> readHeredocs(String line, int startLine, int column) throws DockerfileException {
        List<Heredoc> announced;
        try {
            // BuildKit reads heredoc words with the default escape character, whatever the directive says
            announced = Heredocs.fromLine(line, '\\');
        } catch (DockerfileException e) {
            throw e.at(file, startLine, column);
        }
        List<Heredoc> read = new ArrayList<>(announced.size());
        for (Heredoc h : announced) {
            StringBuilder body = new StringBuilder();
            boolean terminated = false;
            while (hasNextLine()) {
                String raw = nextLine();
                String candidate = trimTrailingNewlines(raw);
                if (h.chomp()) {
                    candidate = trimLeadingTabs(candidate);
                }
                if (candidate.equals(h.name())) {
                    terminated = true;
                    break;
                }
                body.append(raw);
                if (lastHadNewline) {
                    body.append('\n');
                }
            }
            if (!terminated) {
                throw new DockerfileException(file, startLine, column, "heredoc " + h.name()
                        + " is not terminated (starts at line " + startLine + ")");
            }
            read.add(new Heredoc(h.name(), body.toString(), h.expand(), h.chomp(), h.fileDescriptor()));
        }
        return read;
    }

    /** Sets the end line and heredocs (on the ONBUILD node and on its trigger alike). */
    private static Node finish(Node node, List<Heredoc> heredocs, int endLine) {
        Node nested = node.nested();
        if (nested != null) {
            nested = new Node(nested.keyword(), nested.flags(), nested.args(), nested.nested(), heredocs,
                    nested.jsonForm(), nested.original(), nested.startLine(), endLine, nested.column());
        }
        return new Node(node.keyword(), node.flags(), node.args(), nested, heredocs, node.jsonForm(),
                node.original(), node.startLine(), endLine, node.column());
    }

    private static boolean canContainHeredoc(Node node) {
        Node n = node;
        if (n.keyword().equals("onbuild") && n.nested() != null) {
            n = n.nested();
        }
        String k = n.keyword();
        return (k.equals("run") || k.equals("copy") || k.equals("add")) && !n.jsonForm();
    }

    // ---------------------------------------------------------------- directives

    /**
     * Reads {@code # name = value} for syntax, escape and check while directives are allowed.
     *
     * @return true when the line was a directive (it is consumed)
     */
    private boolean readDirective(String line, int column) throws DockerfileException {
        if (line.isEmpty() || line.charAt(0) != '#') {
            return false;
        }
        int i = 1;
        int n = line.length();
        while (i < n && isGoSpace(line.charAt(i))) {
            i++;
        }
        // ^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$
        int nameStart = i;
        if (i >= n || !isAsciiLetter(line.charAt(i))) {
            return false;
        }
        while (i < n && (isAsciiLetter(line.charAt(i)) || (line.charAt(i) >= '0' && line.charAt(i) <= '9'))) {
            i++;
        }
        String name = line.substring(nameStart, i).toLowerCase(Locale.ROOT);
        while (i < n && isRegexSpace(line.charAt(i))) {
            i++;
        }
        if (i >= n || line.charAt(i) != '=') {
            return false;
        }
        i++;
        String rest = line.substring(i);
        if (rest.isEmpty()) {
            return false;
        }
        int lead = 0;
        while (lead < rest.length() && isRegexSpace(rest.charAt(lead))) {
            lead++;
        }
        String value;
        if (lead == rest.length()) {
            value = rest.substring(rest.length() - 1); // (.+?) must take one character
        } else {
            int end = rest.length();
            while (isRegexSpace(rest.charAt(end - 1))) {
                end--;
            }
            value = rest.substring(lead, end);
        }
        if (!name.equals("syntax") && !name.equals("escape") && !name.equals("check")) {
            return false;
        }
        if (directives.containsKey(name)) {
            throw new DockerfileException(file, lineNo, column,
                    "only one " + name + " parser directive can be used");
        }
        if (name.equals("escape")) {
            if (!value.equals("`") && !value.equals("\\")) {
                throw new DockerfileException(file, lineNo, column,
                        "unknown escape character " + GoQuote.quote(value) + " in parser directive");
            }
            escape = value.charAt(0);
        }
        directives.put(name, value);
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Go's regexp {@code \s}: {@code [\t\n\f\r ]}. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    // ---------------------------------------------------------------- line helpers

    /** Go's {@code unicode.IsSpace}. */
    static boolean isGoSpace(int c) {
        switch (c) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
                return true;
            default:
                return c >= 0x2000 && c <= 0x200A;
        }
    }

    /** {@code [\t\v\f\r ]}, the separator BuildKit splits keywords and plain arguments on. */
    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static String trimTrailingNewlines(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\r' || s.charAt(end - 1) == '\n')) {
            end--;
        }
        return end == s.length() ? s : s.substring(0, end);
    }

    private static String trimLeadingTabs(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '\t') {
            i++;
        }
        return s.substring(i);
    }

    private static int leadingSpaceLength(String s) {
        int i = 0;
        while (i < s.length() && isGoSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String trimSpace(String s) {
        int start = leadingSpaceLength(s);
        int end = s.length();
        while (end > start && isGoSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isComment(String s) {
        int i = leadingSpaceLength(s);
        return i < s.length() && s.charAt(i) == '#';
    }

    /**
     * Where a continued line is cut: the index of the escape character that ends the line
     * (followed only by spaces and tabs, not preceded by another escape character), or -1 when
     * the line does not continue.
     */
    private int continuationCut(String s) {
        int j = s.length();
        while (j > 0 && (s.charAt(j - 1) == ' ' || s.charAt(j - 1) == '\t')) {
            j--;
        }
        if (j == 0 || s.charAt(j - 1) != escape) {
            return -1;
        }
        int k = j - 1;
        if (k > 0 && s.charAt(k - 1) == escape) {
            return -1;
        }
        return k;
    }

    // ---------------------------------------------------------------- one logical line

    /** One level of {@code KEYWORD --flags rest}. */
    private record Command(String keyword, List<String> flags, String rest, String original) {
    }

    private Command splitCommand(String line) {
        String trimmed = trimSpace(line);
        int i = 0;
        while (i < trimmed.length() && !isSeparator(trimmed.charAt(i))) {
            i++;
        }
        String keyword = trimmed.substring(0, i);
        if (i == trimmed.length()) {
            return new Command(keyword, List.of(), "", line);
        }
        int j = i;
        while (j < trimmed.length() && isSeparator(trimmed.charAt(j))) {
            j++;
        }
        List<String> flags = new ArrayList<>();
        String rest = extractFlags(trimmed.substring(j), flags);
        return new Command(keyword, flags, trimSpace(rest), line);
    }

    /** A node for a logical line; ONBUILD triggers are read iteratively, not recursively. */
    private Node nodeFromLine(String line, int startLine, int column) throws DockerfileException {
        List<Command> chain = new ArrayList<>();
        Command cmd = splitCommand(line);
        chain.add(cmd);
        while (lower(cmd.keyword()).equals("onbuild") && !cmd.rest().isEmpty()) {
            if (chain.size() > MAX_ONBUILD_DEPTH) {
                throw new DockerfileException(null, 0, 0, "ONBUILD triggers nested too deeply");
            }
            cmd = splitCommand(cmd.rest());
            chain.add(cmd);
        }
        Node node = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Command c = chain.get(i);
            String keyword = lower(c.keyword());
            Node built;
            if (node != null) {
                built = new Node(keyword, c.flags(), List.of(), node, List.of(), false, c.original(),
                        startLine, startLine, column);
            } else {
                List<String> args = new ArrayList<>();
                boolean json = dispatch(keyword, c.rest(), args);
                built = new Node(keyword, c.flags(), args, null, List.of(), json, c.original(),
                        startLine, startLine, column);
            }
            node = built;
        }
        return node;
    }

    /** Fills {@code args} for the instruction; returns true for the JSON (exec) form. */
    private boolean dispatch(String keyword, String rest, List<String> args) throws DockerfileException {
        switch (keyword) {
            case "add", "copy", "volume":
                return maybeJsonToList(rest, args);
            case "arg":
                args.addAll(words(rest));
                return false;
            case "cmd", "entrypoint", "run", "shell":
                return maybeJson(rest, args);
            case "env":
                nameValues(rest, "ENV", args);
                return false;
            case "label":
                nameValues(rest, "LABEL", args);
                return false;
            case "expose", "from":
                splitOnSeparators(rest, args);
                return false;
            case "healthcheck":
                return healthcheck(rest, args);
            case "maintainer", "stopsignal", "user", "workdir":
                if (!rest.isEmpty()) {
                    args.add(rest);
                }
                return false;
            case "onbuild":
                return false; // empty ONBUILD: nothing
            default:
                args.add("");
                return false;
        }
    }

    private static String lower(String keyword) {
        boolean ascii = true;
        for (int i = 0; i < keyword.length(); i++) {
            char c = keyword.charAt(i);
            if (c >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return keyword.toLowerCase(Locale.ROOT);
        }
        // Go lower-cases rune by rune (no special casing)
        StringBuilder sb = new StringBuilder(keyword.length());
        for (int i = 0; i < keyword.length(); ) {
            int cp = keyword.codePointAt(i);
            i += Character.charCount(cp);
            sb.appendCodePoint(Character.toLowerCase(cp));
        }
        return sb.toString();
    }

    /**
     * Reads the leading {@code --flag} words of {@code line} into {@code flags}: quotes group and
     * are removed, the escape character escapes the next character, {@code --} alone ends the
     * flags. Returns the rest of the line.
     *
     * <p>BuildKit does this byte by byte and turns each byte of a flag into the character with
     * that code (so {@code --x=é} becomes {@code --x=Ã©}, and the bytes 0x85 and 0xA0 count as
     * blanks); for identical ASTs, non-ASCII text is read the same way here.
     */
    private String extractFlags(String line, List<String> flags) {
        boolean ascii = true;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            int end = extractFlags(line, line.length(), flags);
            return end < 0 ? "" : line.substring(end);
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        StringBuilder latin1 = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            latin1.append((char) (b & 0xFF));
        }
        int end = extractFlags(latin1, bytes.length, flags);
        return end < 0 ? "" : new String(bytes, end, bytes.length - end, StandardCharsets.UTF_8);
    }

    /** The flag reader over characters 0..255 or ASCII; returns where the rest starts, or -1. */
    private int extractFlags(CharSequence line, int n, List<String> flags) {
        final int inSpaces = 0;
        final int inWord = 1;
        final int inQuote = 2;
        int phase = inSpaces;
        StringBuilder sb = new StringBuilder();
        char quote = 0;
        boolean blankOk = false;
        char ch = 0;
        for (int pos = 0; pos <= n; pos++) {
            if (pos != n) {
                ch = line.charAt(pos);
            }
            if (phase == inSpaces) {
                if (pos == n) {
                    break;
                }
                if (isGoSpace(ch)) {
                    continue;
                }
                if (ch != '-' || pos + 1 == n || line.charAt(pos + 1) != '-') {
                    return pos;
                }
                phase = inWord;
            }
            if (pos == n) {
                String word = sb.toString();
                if (!word.equals("--") && (blankOk || !word.isEmpty())) {
                    flags.add(word);
                }
                break;
            }
            if (phase == inWord) {
                if (isGoSpace(ch)) {
                    String word = sb.toString();
                    phase = inSpaces;
                    if (word.equals("--")) {
                        return pos;
                    }
                    if (blankOk || !word.isEmpty()) {
                        flags.add(word);
                    }
                    sb.setLength(0);
                    blankOk = false;
                    continue;
                }
                if (ch == '\'' || ch == '"') {
                    quote = ch;
                    blankOk = true;
                    phase = inQuote;
                    continue;
                }
                if (ch == escape) {
                    if (pos + 1 == n) {
                        continue;
                    }
                    pos++;
                    ch = line.charAt(pos);
                }
                sb.append(ch);
                continue;
            }
            // inQuote
            if (ch == quote) {
                phase = inWord;
                continue;
            }
            if (ch == escape) {
                if (pos + 1 == n) {
                    phase = inWord;
                    continue;
                }
                pos++;
                ch = line.charAt(pos);
            }
            sb.append(ch);
        }
        return -1;
    }

    /**
     * Shell-like words, quotes and escapes kept (ENV, LABEL, ARG): splits on whitespace outside
     * quotes; the escape character keeps itself and the next character together.
     */
    private List<String> words(String rest) {
        final int inSpaces = 0;
        final int inWord = 1;
        final int inQuote = 2;
        List<String> words = new ArrayList<>();
        int phase = inSpaces;
        int quote = 0;
        boolean blankOk = false;
        int ch = 0;
        int width = 0;
        StringBuilder sb = new StringBuilder();
        int n = rest.length();
        for (int pos = 0; pos <= n; pos += width) {
            if (pos != n) {
                ch = rest.codePointAt(pos);
                width = Character.charCount(ch);
            }
            if (phase == inSpaces) {
                if (pos == n) {
                    break;
                }
                if (isGoSpace(ch)) {
                    continue;
                }
                phase = inWord;
            }
            if (pos == n) {
                if (blankOk || sb.length() > 0) {
                    words.add(sb.toString());
                }
                break;
            }
            if (phase == inWord) {
                if (isGoSpace(ch)) {
                    phase = inSpaces;
                    if (blankOk || sb.length() > 0) {
                        words.add(sb.toString());
                    }
                    sb.setLength(0);
                    blankOk = false;
                    continue;
                }
                if (ch == '\'' || ch == '"') {
                    quote = ch;
                    blankOk = true;
                    phase = inQuote;
                }
                if (ch == escape) {
                    if (pos + width == n) {
                        continue;
                    }
                    sb.appendCodePoint(ch);
                    pos += width;
                    ch = rest.codePointAt(pos);
                    width = Character.charCount(ch);
                }
                sb.appendCodePoint(ch);
                continue;
            }
            // inQuote
            if (ch == quote) {
                phase = inWord;
            }
            if (ch == escape && quote != '\'') {
                if (pos + width == n) {
                    phase = inWord;
                    continue;
                }
                pos += width;
                sb.appendCodePoint(ch);
                ch = rest.codePointAt(pos);
                width = Character.charCount(ch);
            }
            sb.appendCodePoint(ch);
        }
        return words;
    }

    /** ENV and LABEL: key, value, separator triples (legacy {@code KEY value} or {@code k=v ...}). */
    private void nameValues(String rest, String instruction, List<String> args) throws DockerfileException {
        List<String> words = words(rest);
        if (words.isEmpty()) {
            return;
        }
        if (words.get(0).indexOf('=') < 0) {
            int i = 0;
            while (i < rest.length() && !isSeparator(rest.charAt(i))) {
                i++;
            }
            if (i == rest.length()) {
                throw new DockerfileException(null, 0, 0, instruction + " must have two arguments");
            }
            int j = i;
            while (j < rest.length() && isSeparator(rest.charAt(j))) {
                j++;
            }
            args.add(rest.substring(0, i));
            args.add(rest.substring(j));
            args.add("");
            return;
        }
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq < 0) {
                throw new DockerfileException(null, 0, 0, "Syntax error - can't find = in " + GoQuote.quote(word)
                        + ". Must be of the form: name=value");
            }
            args.add(word.substring(0, eq));
            args.add(word.substring(eq + 1));
            args.add("=");
        }
    }

    private static void splitOnSeparators(String rest, List<String> args) {
        if (rest.isEmpty()) {
            return;
        }
        int n = rest.length();
        int start = 0;
        int i = 0;
        while (true) {
            while (i < n && !isSeparator(rest.charAt(i))) {
                i++;
            }
            args.add(rest.substring(start, i));
            if (i == n) {
                return;
            }
            while (i < n && isSeparator(rest.charAt(i))) {
                i++;
            }
            start = i;
            if (i == n) {
                args.add(""); // a trailing separator (cannot happen after trimming)
                return;
            }
        }
    }

    /**
     * The exec form when {@code rest} is a JSON array of strings.
     *
     * @return the strings, or null when {@code rest} is not a JSON array
     * @throws DockerfileException when it is a JSON array with a non-string element
     */
    private static List<String> json(String rest) throws DockerfileException {
        int lead = leadingSpaceLength(rest);
        if (lead == rest.length() || rest.charAt(lead) != '[') {
            return null;
        }
        JsonArrayParser.Array array = JsonArrayParser.parse(rest.substring(lead));
        if (array == null) {
            return null;
        }
        if (!array.allStrings()) {
            throw new DockerfileException(null, 0, 0,
                    "when using JSON array syntax, arrays must be comprised of strings only");
        }
        return array.strings();
    }

    private static boolean maybeJson(String rest, List<String> args) throws DockerfileException {
        if (rest.isEmpty()) {
            return false;
        }
        List<String> strings = json(rest);
        if (strings != null) {
            args.addAll(strings);
            return true;
        }
        args.add(rest);
        return false;
    }

    private static boolean maybeJsonToList(String rest, List<String> args) throws DockerfileException {
        List<String> strings = json(rest);
        if (strings != null) {
            args.addAll(strings);
            return true;
        }
        splitOnSeparators(rest, args);
        return false;
    }

    /**
     * HEALTHCHECK: the first word, then the command as for CMD. BuildKit finds the first word
     * byte by byte (the bytes 0x85 and 0xA0 count as blanks), and so does this for non-ASCII text.
     */
    private static boolean healthcheck(String rest, List<String> args) throws DockerfileException {
        if (rest.isEmpty()) {
            return false;
        }
        byte[] bytes = null;
        CharSequence units = rest;
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) >= 0x80) {
                bytes = rest.getBytes(StandardCharsets.UTF_8);
                StringBuilder latin1 = new StringBuilder(bytes.length);
                for (byte b : bytes) {
                    latin1.append((char) (b & 0xFF));
                }
                units = latin1;
                break;
            }
        }
        int n = units.length();
        int sep = 0;
        while (sep < n && !isGoSpace(units.charAt(sep))) {
            sep++;
        }
        int next = sep;
        while (next < n && isGoSpace(units.charAt(next))) {
            next++;
        }
        if (sep == 0) {
            return false;
        }
        if (bytes == null) {
            args.add(rest.substring(0, sep));
            return maybeJson(rest.substring(next), args);
        }
        args.add(new String(bytes, 0, sep, StandardCharsets.UTF_8));
        return maybeJson(new String(bytes, next, n - next, StandardCharsets.UTF_8), args);
    }
}
