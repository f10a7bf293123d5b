package io.jbuild.dockerfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the exec form of an instruction ({@code ["a", "b"]}) the way BuildKit does with Go's
 * {@code encoding/json} into {@code []any}: the whole text must be one valid JSON value, an
 * array; its elements may be any JSON value, but only an array of strings is usable.
 *
 * <p>Validation is iterative (no recursion) and limits nesting to Go's 10000 levels, so hostile
 * input cannot overflow the stack. A number that does not fit a double makes the text "not
 * JSON", as Go's decoder reports a type error (not a syntax error) for it.
 */
final class JsonArrayParser {
    /** The outcome for a text that is a JSON array. */
    record Array(List<String> strings, boolean allStrings) {
    }

    private static final int MAX_DEPTH = 10000;

    private final String s;
    private int pos;

    private JsonArrayParser(String s) {
        this.s = s;
    }

    /**
     * Parses {@code text} (which must start with {@code [}; callers skip leading whitespace).
     *
     * @return the array, or null when the text is not a valid JSON array
     */
    static Array parse(String text) {
        if (text.isEmpty() || text.charAt(0) != '[') {
            return null;
        }
        return new JsonArrayParser(text).parseRoot();
    }

    private Array parseRoot() {
        List<String> strings = new ArrayList<>();
        boolean allStrings = true;
        pos = 1;
        skipWhitespace();
        if (peek() == ']') {
            pos++;
        } else {
            while (true) {
                skipWhitespace();
                if (peek() == '"') {
                    String str = readString();
                    if (str == null) {
                        return null;
                    }
                    strings.add(str);
                } else {
                    if (!skipValue()) {
                        return null;
                    }
                    allStrings = false;
                }
                skipWhitespace();
                int c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    break;
                } else {
                    return null;
                }
            }
        }
        skipWhitespace();
        if (pos != s.length()) {
            return null;
        }
        return new Array(strings, allStrings);
    }

    private int peek() {
        return pos < s.length() ? s.charAt(pos) : -1;
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else {
                return;
            }
        }
    }

    /**
     * Validates one value of any kind starting at {@code pos} (after whitespace), iteratively.
     * The root array counts as depth 1.
     */
    private boolean skipValue() {
        // stack of open containers: true = object, false = array
        boolean[] stack = new boolean[16];
        int depth = 0;
        while (true) {
            // expect a value
            skipWhitespace();
            int c = peek();
            boolean closedOrScalar;
            if (c == '[' || c == '{') {
                pos++;
                if (depth + 1 + 1 > MAX_DEPTH) {
                    return false;
                }
                if (depth == stack.length) {
                    stack = java.util.Arrays.copyOf(stack, depth * 2);
                }
                boolean isObject = c == '{';
                stack[depth++] = isObject;
                skipWhitespace();
                int close = isObject ? '}' : ']';
                if (peek() == close) {
                    pos++;
                    depth--;
                    closedOrScalar = true;
                } else if (isObject) {
                    if (!readKey()) {
                        return false;
                    }
                    continue;
                } else {
                    continue;
                }
            } else {
                if (!skipScalar()) {
                    return false;
                }
                closedOrScalar = true;
            }
            // after a complete value: close containers or move to the next element
            while (closedOrScalar) {
                if (depth == 0) {
                    return true;
                }
                skipWhitespace();
                int d = peek();
                boolean isObject = stack[depth - 1];
                if (d == ',') {
                    pos++;
                    if (isObject && !readKey()) {
                        return false;
                    }
                    closedOrScalar = false;
                } else if (d == (isObject ? '}' : ']')) {
                    pos++;
                    depth--;
                } else {
                    return false;
                }
            }
        }
    }

    /** Reads {@code "key" :} inside an object. */
    private boolean readKey() {
        skipWhitespace();
        if (peek() != '"' || readString() == null) {
            return false;
        }
        skipWhitespace();
        if (peek() != ':') {
            return false;
        }
        pos++;
        return true;
    }

    private boolean skipScalar() {
        int c = peek();
        if (c == '"') {
            return readString() != null;
        }
        if (c == 't') {
            return literal("true");
        }
        if (c == 'f') {
            return literal("false");
        }
        if (c == 'n') {
            return literal("null");
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        return false;
    }

    private boolean literal(String word) {
        if (s.startsWith(word, pos)) {
            pos += word.length();
            return true;
        }
        return false;
    }

    private boolean number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int c = peek();
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            skipDigits();
        } else {
            return false;
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                return false;
            }
            skipDigits();
        }
        c = peek();
        if (c == 'e' || c == 'E') {
            pos++;
            c = peek();
            if (c == '+' || c == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                return false;
            }
            skipDigits();
        }
        // Go decodes numbers into float64 and fails (a type error) when the value overflows
        try {
            return !Double.isInfinite(Double.parseDouble(s.substring(start, pos)));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private void skipDigits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    /** Reads a string starting at the opening quote; null when it is malformed. */
    private String readString() {
        pos++; // opening quote
        StringBuilder sb = null;
        int runStart = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '"') {
                String result = sb == null ? s.substring(runStart, pos)
                        : sb.append(s, runStart, pos).toString();
                pos++;
                return result;
            }
            if (c < 0x20) {
                return null;
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(s, runStart, pos);
            pos++;
            if (pos >= s.length()) {
                return null;
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    int u = hex4(pos);
                    if (u < 0) {
                        return null;
                    }
                    pos += 4;
                    if (Character.isSurrogate((char) u)) {
                        // Go pairs a surrogate with a following \\uXXXX escape, else writes U+FFFD
                        int low = -1;
                        if (Character.isHighSurrogate((char) u) && pos + 1 < s.length()
                                && s.charAt(pos) == '\\' && s.charAt(pos + 1) == 'u') {
                            low = hex4(pos + 2);
                        }
                        if (low >= 0 && Character.isLowSurrogate((char) low)) {
                            sb.append((char) u).append((char) low);
                            pos += 6;
                        } else {
                            sb.append('\uFFFD');
                        }
                    } else {
                        sb.append((char) u);
                    }
                }
                default -> {
                    return null;
                }
            }
            runStart = pos;
        }
        return null;
    }

    private int hex4(int at) {
        if (at + 4 > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) > 'f') {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
}
