package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DockerfileParserTest {

    private static ParseResult parse(String text) throws DockerfileException {
        return DockerfileParser.parse("Dockerfile", text.getBytes(StandardCharsets.UTF_8));
    }

    private static DockerfileException failure(String text) {
        return assertThrows(DockerfileException.class, () -> parse(text));
    }

    @Test
    void parse_simpleFile_dumpsAndLocatesInstructions() throws Exception {
        ParseResult r = parse("FROM alpine AS base\n  RUN echo hi\n");
        assertEquals("(from \"alpine\" \"AS\" \"base\")\n(run \"echo hi\")\n", r.dump());
        Node run = r.nodes().get(1);
        assertEquals("run", run.keyword());
        assertEquals("RUN echo hi", run.original());
        assertEquals(2, run.startLine());
        assertEquals(2, run.endLine());
        assertEquals(3, run.column());
        assertEquals('\\', r.escape());
    }

    @Test
    void parse_heredocWithoutTerminator_reportsStartLine() {
        DockerfileException e = failure("FROM a\n\n\n\nRUN <<EOF\necho hi\n");
        assertEquals("Dockerfile:5:1: heredoc EOF is not terminated (starts at line 5)", e.getMessage());
        assertEquals(5, e.line());
        assertEquals(1, e.column());
    }

    @Test
    void parse_heredoc_readsBodyAndEndLine() throws Exception {
        ParseResult r = parse("FROM a\nRUN <<-EOF cat\n\thello $X\n\tEOF\nUSER me\n");
        Node run = r.nodes().get(1);
        assertEquals(List.of(new Heredoc("EOF", "\thello $X\n", true, true, 0)), run.heredocs());
        assertEquals(2, run.startLine());
        assertEquals(4, run.endLine());
        assertEquals("(user \"me\")", r.nodes().get(2).dump());
        assertEquals("hello $X\n", Heredocs.chomp(run.heredocs().get(0).content()));
    }

    @Test
    void parse_heredocUnderOnbuild_attachesHeredoc() throws Exception {
        ParseResult r = parse("FROM a\nONBUILD COPY <<'F' /f\nx\nF\n");
        Node onbuild = r.nodes().get(1);
        assertEquals("(onbuild (copy \"<<'F'\" \"/f\"))", onbuild.dump());
        assertEquals(List.of(new Heredoc("F", "x\n", false, false, 0)), onbuild.heredocs());
        assertEquals(onbuild.heredocs(), onbuild.nested().heredocs());
        assertEquals(4, onbuild.endLine());
    }

    @Test
    void parse_badEscapeDirective_reportsDirective() {
        DockerfileException e = failure("# escape=x\nFROM a\n");
        assertEquals("Dockerfile:1:1: unknown escape character \"x\" in parser directive", e.getMessage());
    }

    @Test
    void parse_duplicateDirective_fails() {
        DockerfileException e = failure("# syntax=a\n# SYNTAX = b\nFROM a\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("only one syntax parser directive can be used"), e.getMessage());
    }

    @Test
    void parse_directives_areRecordedAndEndAtFirstOtherLine() throws Exception {
        ParseResult r = parse("# syntax = docker/dockerfile:1 \n#check=skip=all\n\n# escape=`\nFROM a\n");
        assertEquals(Map.of("syntax", "docker/dockerfile:1", "check", "skip=all"), r.directives());
        assertEquals('\\', r.escape());
    }

    @Test
    void parse_backtickEscape_continuesLines() throws Exception {
        ParseResult r = parse("# escape=`\nFROM a\nRUN dir c:\\ `\n  /s\nCOPY --chown=a`:b x y\n");
        assertEquals('`', r.escape());
        assertEquals("(run \"dir c:\\\\   /s\")", r.nodes().get(1).dump());
        assertEquals(3, r.nodes().get(1).startLine());
        assertEquals(4, r.nodes().get(1).endLine());
        assertEquals(List.of("--chown=a:b"), r.nodes().get(2).flags());
    }

    @Test
    void parse_doubledEscapeAtEnd_doesNotContinue() throws Exception {
        ParseResult r = parse("RUN echo \\\\\nUSER me\n");
        assertEquals("(run \"echo \\\\\\\\\")\n(user \"me\")\n", r.dump());
    }

    @Test
    void parse_lineLongerThanLimit_fails() {
        String text = "FROM a\nRUN " + "x".repeat(DockerfileParser.MAX_LINE_BYTES) + "\n";
        DockerfileException e = failure(text);
        assertEquals("Dockerfile:2: dockerfile line greater than max allowed size of 65535", e.getMessage());
    }

    @Test
    void parse_lineAtLimit_isAccepted() throws Exception {
        String run = "RUN " + "x".repeat(DockerfileParser.MAX_LINE_BYTES - 4);
        assertEquals(run, parse("FROM a\n" + run + "\n").nodes().get(1).original());
    }

    @Test
    void parse_jsonWithNonStrings_failsWithLocation() {
        DockerfileException e = failure("FROM a\nCMD [\"a\", 1]\n");
        assertEquals("Dockerfile:2:1: when using JSON array syntax, arrays must be comprised of strings only",
                e.getMessage());
    }

    @Test
    void parse_invalidJson_fallsBackToShellForm() throws Exception {
        ParseResult r = parse("CMD [\"a\", 1\nENTRYPOINT [\"a\", 1e999]\nRUN [\"\\u00e9\\ud83d\\ude00\"]\n");
        assertEquals("(cmd \"[\\\"a\\\", 1\")", r.nodes().get(0).dump());
        assertFalse(r.nodes().get(0).jsonForm());
        assertEquals("(entrypoint \"[\\\"a\\\", 1e999]\")", r.nodes().get(1).dump());
        assertEquals(List.of("é\uD83D\uDE00"), r.nodes().get(2).args());
        assertTrue(r.nodes().get(2).jsonForm());
    }

    @Test
    void parse_byteOrderMark_isIgnored() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] rest = "# escape=`\nFROM a\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + rest.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(rest, 0, all, 3, rest.length);
        ParseResult r = DockerfileParser.parse("Dockerfile", all);
        assertEquals('`', r.escape());
        assertEquals("(from \"a\")\n", r.dump());
    }

    @Test
    void parse_crlfLineEndings_areStripped() throws Exception {
        ParseResult r = parse("FROM a\r\nRUN a \\\r\n  b\r\nCOPY <<EOF /x\r\nhi\r\nEOF\r\n");
        assertEquals("(from \"a\")\n(run \"a   b\")\n(copy \"<<EOF\" \"/x\")\n", r.dump());
        assertEquals("hi\r\n", r.nodes().get(2).heredocs().get(0).content());
        assertEquals(6, r.nodes().get(2).endLine());
    }

    @Test
    void parse_emptyFile_hasNoInstructions() {
        assertEquals("Dockerfile: file with no instructions", failure("").getMessage());
        assertEquals("Dockerfile: file with no instructions", failure("# only\n\n  # comments\n").getMessage());
    }

    @Test
    void parse_envWithoutValue_failsAtInstruction() {
        assertEquals("Dockerfile:3:1: ENV must have two arguments", failure("FROM a\n\nENV PATH\n").getMessage());
        assertTrue(failure("FROM a\nLABEL a=b c\n").getMessage().startsWith("Dockerfile:2:1: Syntax error"));
    }

    @Test
    void parse_unknownKeyword_isKept() throws Exception {
        assertEquals("(foo \"\")\n", parse("FOO bar baz\n").dump());
    }

    @Test
    void parse_flagsAndArgs_followBuildKitRules() throws Exception {
        ParseResult r = parse("COPY --from=\"a b\" --chmod=755 -- --x /y\n"
                + "ARG a=\"1 2\" b\nENV a=1 b=\"2 3\"\nLABEL x y z\nHEALTHCHECK --retries=3 CMD [\"t\"]\n"
                + "ONBUILD RUN echo\n");
        assertEquals("(copy [\"--from=a b\" \"--chmod=755\"] \"--x\" \"/y\")\n"
                + "(arg \"a=\\\"1 2\\\"\" \"b\")\n"
                + "(env \"a\" \"1\" \"=\" \"b\" \"\\\"2 3\\\"\" \"=\")\n"
                + "(label \"x\" \"y z\" \"\")\n"
                + "(healthcheck [\"--retries=3\"] \"CMD\" \"t\")\n"
                + "(onbuild (run \"echo\"))\n", r.dump());
    }

    @Test
    void parse_emptyContinuationLine_warnsWithLine() throws Exception {
        ParseResult r = parse("FROM a\nRUN a \\\n\n  b\n");
        assertEquals(1, r.warnings().size());
        assertEquals("Empty continuation line found in: RUN a   b", r.warnings().get(0).message());
        assertEquals(4, r.warnings().get(0).line());
    }

    @Test
    void parse_tenThousandInstructions_isFast() {
        StringBuilder sb = new StringBuilder("FROM a\n");
        for (int i = 0; i < 10_000; i++) {
            sb.append("RUN --mount=type=cache,target=/c echo ").append(i).append(" \\\n  && true\n");
            sb.append("ENV K").append(i).append("=\"v ").append(i).append("\"\n");
            sb.append("COPY [\"a\", \"b\"]\n");
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (int round = 0; round < 3; round++) {
                assertEquals(30_001, DockerfileParser.parse("Dockerfile", bytes).nodes().size());
            }
        });
    }

    @Test
    void parse_deepNesting_isHandledWithoutRecursion() throws Exception {
        // Go's JSON decoder stops at 10000 levels: such a text is not JSON, so it is the shell form
        String deepJson = "CMD " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";
        Node cmd = parse(deepJson).nodes().get(0);
        assertFalse(cmd.jsonForm());
        assertEquals(1, cmd.args().size());
        // BuildKit rejects ONBUILD ONBUILD in the next pass; the parser bounds the chain
        assertThrows(DockerfileException.class, () -> parse("ONBUILD ".repeat(5_000) + "RUN x\n"));
        // an unterminated ${ in the line: BuildKit's lexer fails, so the line has no heredocs
        ParseResult r = parse("RUN " + "${a:-".repeat(3_000) + "<<EOF\nEOF\n");
        assertEquals(2, r.nodes().size());
        assertEquals(List.of(), r.nodes().get(0).heredocs());
    }

    @Test
    void parse_randomBytes_neverThrowsUnchecked() {
        Random random = new Random(42);
        String alphabet = "RUN COPY ONBUILD ENV ARG CMD [\"]'`\\<<-EOF 3<< $ {} # = -- \t\n\r\n\u00a0\u00e9";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(120);
            for (int k = 0; k < n; k++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            if (random.nextBoolean() && bytes.length > 0) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            try {
                DockerfileParser.parse("Dockerfile", bytes).dump();
            } catch (DockerfileException expected) {
                // fine: only checked errors are allowed
            }
        }
    }
}
