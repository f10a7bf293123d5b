package io.jbuild.registry.sign;

/**
 * Writes JSON strings the way Go's {@code encoding/json} does by default, so that documents we
 * build have the same bytes (hence digests) as cosign's: HTML-sensitive {@code < > &} and
 * U+2028/U+2029 as {@code \\u} escapes, {@code \b \f \n \r \t} as short escapes (Go 1.22+),
 * other control characters as {@code \\u00xx}, everything else literally.
 */
final class GoJson {
    private GoJson() {
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static StringBuilder appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> appendUnicodeEscape(out, c);
                default -> {
                    if (c < 0x20) {
                        appendUnicodeEscape(out, c);
                    } else if (Character.isSurrogate(c) && !isPairAt(value, i)) {
                        out.append('\ufffd');
                    } else if (Character.isHighSurrogate(c)) {
                        out.append(c).append(value.charAt(++i));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    private static boolean isPairAt(String value, int i) {
        return Character.isHighSurrogate(value.charAt(i)) && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1));
    }

    private static void appendUnicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}
