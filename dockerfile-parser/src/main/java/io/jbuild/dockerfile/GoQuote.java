package io.jbuild.dockerfile;

/** Go's {@code strconv.Quote}, which BuildKit's AST dump uses for every string. */
public final class GoQuote {
    private GoQuote() {
    }

    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendQuoted(sb, s);
        return sb.toString();
    }

    public static void appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case 0x07 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x0B -> sb.append("\\v");
                default -> {
                    if (isPrintable(cp)) {
                        sb.appendCodePoint(cp);
                    } else if (cp < 0x20 || cp == 0x7F) {
                        hex(sb, "\\x", cp, 2);
                    } else if (Character.isSurrogate((char) cp)) {
                        // a lone surrogate cannot come from valid UTF-8; Go writes U+FFFD for it
                        sb.append("\\ufffd");
                    } else if (cp < 0x10000) {
                        hex(sb, "\\u", cp, 4);
                    } else {
                        hex(sb, "\\U", cp, 8);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void hex(StringBuilder sb, String prefix, int cp, int digits) {
        String h = Integer.toHexString(cp);
        sb.append(prefix);
        for (int k = h.length(); k < digits; k++) {
            sb.append('0');
        }
        sb.append(h);
    }

    static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                 Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                 Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                 Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION,
                 Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL:
                return true;
            default:
                return false;
        }
    }
}
