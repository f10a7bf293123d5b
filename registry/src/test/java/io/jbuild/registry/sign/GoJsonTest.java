package io.jbuild.registry.sign;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected strings as Go 1.22+ {@code encoding/json} writes them. */
class GoJsonTest {
    private static String encode(String value) {
        return GoJson.appendString(new StringBuilder(), value).toString();
    }

    @Test
    void appendString_plainAndBase64_unchanged() {
        assertEquals("\"plain a/b+c=\"", encode("plain a/b+c="));
    }

    @Test
    void appendString_htmlCharacters_unicodeEscaped() {
        assertEquals("\"\\u003c\\u003e\\u0026\"", encode("<>&"));
    }

    @Test
    void appendString_quoteAndBackslash_escaped() {
        assertEquals("\"q\\\"b\\\\\"", encode("q\"b\\"));
    }

    @Test
    void appendString_controlCharacters_shortOrUnicodeEscapes() {
        assertEquals("\"\\n\\r\\t\\b\\f\\u0001\\u001f\"", encode("\n\r\t\b\f\u0001\u001f"));
    }

    @Test
    void appendString_lineAndParagraphSeparators_escaped() {
        assertEquals("\"\\u2028\\u2029\"", encode("\u2028\u2029"));
    }

    @Test
    void appendString_nonAsciiAndSurrogatePairs_literal() {
        assertEquals("\"é😀\"", encode("é😀"));
    }

    @Test
    void appendString_loneSurrogate_replacementCharacter() {
        assertEquals("\"\ufffdx\ufffd\"", encode("\ud800x\udc00"));
    }
}
