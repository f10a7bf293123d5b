package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Options, error messages and robustness of {@link ShellLexer}; expected values checked against BuildKit. */
class ShellLexerTest {
    private static final ShellLexer LEXER = new ShellLexer('\\');
    private static final Map<String, String> NONE = Map.of();

    private static String word(ShellLexer lexer, String word, Map<String, String> env) throws ShellExpansionException {
        return lexer.processWord(word, env).result();
    }

    private static String error(ShellLexer lexer, String word, Map<String, String> env) {
        return assertThrows(ShellExpansionException.class, () -> lexer.processWord(word, env)).getMessage();
    }

    @Test
    void withOptions_returnCopies_originalUnchanged() {
        ShellLexer all = LEXER.withRawQuotes(true).withRawEscapes(true).withSkipUnsetEnv(true)
                .withSkipProcessQuotes(true);
        assertTrue(all.rawQuotes() && all.rawEscapes() && all.skipUnsetEnv() && all.skipProcessQuotes());
        assertEquals('\\', all.escape());
        assertFalse(LEXER.rawQuotes() || LEXER.rawEscapes() || LEXER.skipUnsetEnv() || LEXER.skipProcessQuotes());
        assertFalse(all.withRawQuotes(false).rawQuotes());
    }

    @Test
    void processWord_rawQuotes_keepsQuoteCharacters() throws ShellExpansionException {
        ShellLexer lexer = LEXER.withRawQuotes(true);
        assertEquals("he'll'o \"x\"", word(lexer, "he'll'o \"x\"", NONE));
        assertEquals("\"y\"", word(lexer, "\"$Y\"", Map.of("Y", "y")));
    }

    @Test
    void processWords_rawQuotes_quotedTextStaysOneWord() throws ShellExpansionException {
        assertEquals(List.of("he'll'o", "\"x y\"", "z"),
                LEXER.withRawQuotes(true).processWords("he'll'o \"x y\" z", NONE));
    }

    @Test
    void processWord_rawEscapes_keepsEscapeCharacters() throws ShellExpansionException {
        ShellLexer lexer = LEXER.withRawEscapes(true);
        assertEquals("a\\ b", word(lexer, "a\\ b", NONE));
        assertEquals("a\\\"b", word(lexer, "\"a\\\"b\"", NONE));
        assertEquals("a\\", word(lexer, "a\\", NONE));
        // BuildKit writes the kept backslash and then the unescapable one again
        assertEquals("a\\\\tb", word(lexer, "\"a\\tb\"", NONE));
    }

    @Test
    void processWord_rawEscapesInDefaultWord_notKept() throws ShellExpansionException {
        assertEquals("$y", word(LEXER.withRawEscapes(true), "${X:-\\$y}", NONE));
    }

    @Test
    void processWords_rawEscapes_escapedSpaceDoesNotSplit() throws ShellExpansionException {
        assertEquals(List.of("a\\ b", "c"), LEXER.withRawEscapes(true).processWords("a\\ b c", NONE));
    }

    @Test
    void processWord_skipUnsetEnv_leavesUnsetReferencesAsWritten() throws ShellExpansionException {
        ShellLexer lexer = LEXER.withSkipUnsetEnv(true);
        ShellLexer.Expansion expansion =
                lexer.processWord("$X ${X} ${X:-d} ${X//a/b} ${X?} $Y", Map.of("Y", "y"));
        // like BuildKit, the replace-all form comes back with a single slash
        assertEquals("$X ${X} ${X:-d} ${X/a/b} ${X?} y", expansion.result());
        assertEquals(Set.of("Y"), expansion.matched());
        assertEquals(Set.of("X"), expansion.unmatched());
    }

    @Test
    void processWord_skipUnsetEnv_unsupportedModifierOfUnsetNotRaised() throws ShellExpansionException {
        assertEquals("${X:}abc}", word(LEXER.withSkipUnsetEnv(true), "${X:}abc}", NONE));
        assertEquals("failed to process \"${X:}abc}\": unsupported modifier (:}) in substitution",
                error(LEXER, "${X:}abc}", NONE));
    }

    @Test
    void processWord_skipProcessQuotes_quotesAreOrdinary() throws ShellExpansionException {
        assertEquals("'a'\"by\"", word(LEXER.withSkipProcessQuotes(true), "'a'\"b$Y\"", Map.of("Y", "y")));
        assertEquals("'x", word(LEXER.withSkipProcessQuotes(true), "'x", NONE));
    }

    @Test
    void processWord_backtickEscape_backslashIsOrdinary() throws ShellExpansionException {
        ShellLexer lexer = new ShellLexer('`');
        assertEquals("a$b C:\\path x\"y", word(lexer, "a`$b C:\\path \"x`\"y\"", NONE));
        assertEquals("a", word(lexer, "a`", NONE));
        assertEquals("a}", word(lexer, "${X%`}}", Map.of("X", "a}")));
    }

    @Test
    void processWords_nestedSubstitution_dropsWordStartLikeBuildKit() throws ShellExpansionException {
        // BuildKit shares one word buffer between nesting levels; the nested form resets it
        assertEquals(List.of("cd"), LEXER.processWords("ab${X:-c}d", NONE));
        assertEquals(List.of("x", "cd", "e"), LEXER.processWords("x ab\"${X:-c}\"d e", NONE));
        assertEquals("abcd", word(LEXER, "ab${X:-c}d", NONE));
    }

    @Test
    void processWords_heredocOperator_keepsBlanksAfterIt() throws ShellExpansionException {
        assertEquals(List.of("cat", "<< EOF"), LEXER.processWords("cat << EOF", NONE));
    }

    @Test
    void processWords_unicodeSpaceInValue_splitsLikeGo() throws ShellExpansionException {
        assertEquals(List.of("helloa", "b", "cbye"),
                LEXER.processWords("hello${space}bye", Map.of("space", "a\u00a0b\u2003c")));
    }

    @Test
    void processWord_replaceAll_replacementIsGoTemplate() throws ShellExpansionException {
        Map<String, String> env = Map.of("FOO", "foo");
        assertEquals("f[\\o][\\o]", word(LEXER, "${FOO//o/[\\$0]}", env));
        assertEquals("f[\\$0]o", word(LEXER, "${FOO/o/[\\$0]}", env));
        assertEquals("f[$][$]", word(LEXER.withSkipUnsetEnv(true), "${FOO//o/[$$]}", env));
        assertEquals("-a-b-c-", word(LEXER, "${FOO//$E/-}", Map.of("FOO", "abc", "E", "")));
    }

    @Test
    void processWord_trimPatterns_matchShortestAndLongest() throws ShellExpansionException {
        assertEquals("file.tar", word(LEXER, "${X%.*}", Map.of("X", "file.tar.gz")));
        assertEquals("file", word(LEXER, "${X%%.*}", Map.of("X", "file.tar.gz")));
        assertEquals("b/c", word(LEXER, "${X#*/}", Map.of("X", "a/b/c")));
        assertEquals("c", word(LEXER, "${X##*/}", Map.of("X", "a/b/c")));
    }

    @Test
    void processWord_starAndNewline_starStopsAtNewlineLikeGo() throws ShellExpansionException {
        assertEquals("\nb", word(LEXER, "${X##*}", Map.of("X", "a\nb")));
        assertEquals("a\nb\nc", word(LEXER, "${X%%*\n}", Map.of("X", "a\nb\nc")));
    }

    @Test
    void processWord_leadingByteOrderMark_dropped() throws ShellExpansionException {
        assertEquals("1", word(LEXER, "\uFEFF$X", Map.of("X", "1")));
    }

    @Test
    void processWord_errors_haveBuildKitMessages() {
        assertEquals("failed to process \"${X?}\": X: is not allowed to be unset", error(LEXER, "${X?}", NONE));
        assertEquals("failed to process \"${X:?}\": X: is not allowed to be empty",
                error(LEXER, "${X:?}", Map.of("X", "")));
        assertEquals("failed to process \"${X:?a $Y}\": X: a y", error(LEXER, "${X:?a $Y}", Map.of("Y", "y")));
        assertEquals("failed to process \"${X:=a}\": unsupported modifier (:=) in substitution",
                error(LEXER, "${X:=a}", NONE));
        assertEquals("failed to process \"${X=a}\": unsupported modifier (=) in substitution",
                error(LEXER, "${X=a}", NONE));
        assertEquals("failed to process \"${X:#a}\": unsupported modifier (:#) in substitution",
                error(LEXER, "${X:#a}", NONE));
        assertEquals("failed to process \"${X\": unsupported modifier (\uFFFD) in substitution",
                error(LEXER, "${X", NONE));
        assertEquals("failed to process \"${}\": syntax error: bad substitution", error(LEXER, "${}", NONE));
        assertEquals("failed to process \"${X:-a\": syntax error: missing '}'", error(LEXER, "${X:-a", NONE));
        assertEquals("failed to process \"${X/a}\": syntax error: missing '/' in ${}", error(LEXER, "${X/a}", NONE));
        assertEquals("failed to process \"'a\": unexpected end of statement while looking for matching single-quote",
                error(LEXER, "'a", NONE));
        assertEquals(
                "failed to process \"\\\"a\": unexpected end of statement while looking for matching double-quote",
                error(LEXER, "\"a", NONE));
        assertEquals("failed to process \"${X#\\\\a}\": invalid pattern (\\a) in substitution: invalid escape '\\a'",
                error(LEXER, "${X#\\a}", NONE));
    }

    @Test
    void processWord_manyStarsInPattern_finishesQuickly() {
        String value = "a".repeat(20_000);
        String stars = "*".repeat(20_000);
        String starsAndAnys = "?*".repeat(2_000);
        Map<String, String> env = Map.of("V", value);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(value, word(LEXER, "${V#" + stars + "b}", env));
            assertEquals("", word(LEXER, "${V##" + stars + "}", env));
            assertEquals(value, word(LEXER, "${V%%" + stars + "b" + stars + "}", env));
            assertEquals("x", word(LEXER, "${V//" + stars + "a" + stars + "/x}", env));
            assertEquals("", word(LEXER, "${V##" + starsAndAnys + "}", env));
            assertEquals(value.substring(2_000), word(LEXER, "${V#" + starsAndAnys.replace("*", "") + "}", env));
        });
    }

    @Test
    void processWord_replaceAllEveryCharacter_finishesQuickly() {
        Map<String, String> env = Map.of("V", "ab".repeat(50_000));
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertEquals("xb".repeat(50_000), word(LEXER, "${V//a/x}", env)));
    }

    @Test
    void processWord_deepNesting_expandsOrFailsChecked() throws ShellExpansionException {
        int ok = ShellLexer.MAX_NESTING - 1;
        assertEquals("x", word(LEXER, "${A:-".repeat(ok) + "x" + "}".repeat(ok), NONE));
        int tooDeep = 100_000;
        String deep = "${A:-".repeat(tooDeep) + "x" + "}".repeat(tooDeep);
        assertThrows(ShellExpansionException.class, () -> LEXER.processWord(deep, NONE));
        String deepQuoted = "\"${A:-".repeat(tooDeep) + "x" + "}\"".repeat(tooDeep);
        assertThrows(ShellExpansionException.class, () -> LEXER.processWord(deepQuoted, NONE));
    }

    @Test
    void processWord_randomInput_neverThrowsUnchecked() {
        String[] tokens = {"$", "${", "}", "{", ":", "-", "+", "?", "#", "%", "/", "//", "\\", "`", "\"", "'",
            " ", "\t", "\n", "a", "X", "1", "0", "@", "*", "!", ".", "<", "<<", "=", "안", "\uFEFF", "\uD800",
            "\\}", "\\/", "\\*", "[", "(", "|", "^", "\u00a0"};
        Map<String, String> env = Map.of("X", "a*b", "a", "", "1", "x y");
        Random random = new Random(42);
        ShellLexer[] lexers = {LEXER, new ShellLexer('`'), LEXER.withRawQuotes(true).withRawEscapes(true),
            LEXER.withSkipUnsetEnv(true), LEXER.withSkipProcessQuotes(true)};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(16); n > 0; n--) {
                sb.append(tokens[random.nextInt(tokens.length)]);
            }
            ShellLexer lexer = lexers[i % lexers.length];
            try {
                lexer.processWord(sb.toString(), env);
            } catch (ShellExpansionException expected) {
                // fine: a checked error
            }
            try {
                lexer.processWords(sb.toString(), env);
            } catch (ShellExpansionException expected) {
                // fine: a checked error
            }
        }
    }
}
