package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgnoreFileTest {
    @TempDir
    Path context;

    @Test
    void locate_dockerfileSpecificIgnore_winsOverContextIgnore() throws Exception {
        Files.writeString(context.resolve(".dockerignore"), "common\n");
        Path sub = Files.createDirectories(context.resolve("build"));
        Path dockerfile = Files.writeString(sub.resolve("app.Dockerfile"), "FROM scratch\n");
        Files.writeString(sub.resolve("app.Dockerfile.dockerignore"), "specific\n");
        assertEquals(Optional.of(sub.resolve("app.Dockerfile.dockerignore")), IgnoreFile.locate(context, dockerfile));
        PatternMatcher pm = IgnoreFile.load(context, dockerfile);
        assertTrue(pm.matchesOrParentMatches("specific/x"));
        assertFalse(pm.matchesOrParentMatches("common"));
    }

    @Test
    void locate_onlyContextIgnore_usesIt() throws Exception {
        Files.writeString(context.resolve(".dockerignore"), "# comment\n*.log\n!keep.log\n");
        Path dockerfile = Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
        PatternMatcher pm = IgnoreFile.load(context, dockerfile);
        assertEquals(List.of("*.log", "!keep.log"), pm.patterns());
        assertTrue(pm.hasExclusions());
        assertTrue(pm.matchesOrParentMatches("debug.log"));
        assertFalse(pm.matchesOrParentMatches("keep.log"));
        assertFalse(pm.matchesOrParentMatches("src/debug.log"));
    }

    @Test
    void load_noIgnoreFile_excludesNothing() throws Exception {
        Path dockerfile = Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
        assertEquals(Optional.empty(), IgnoreFile.locate(context, dockerfile));
        PatternMatcher pm = IgnoreFile.load(context, dockerfile);
        assertTrue(pm.isEmpty());
        assertFalse(pm.matchesOrParentMatches("anything/at/all"));
    }

    @Test
    void matcher_loneExclamation_errorNamesFileAndLine() {
        DockerfileException e = assertThrows(DockerfileException.class,
                () -> IgnoreFile.matcher(".dockerignore", "a\n\n# c\n!\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(".dockerignore:4: illegal exclusion pattern: \"!\"", e.getMessage());
    }

    @Test
    void matcher_badClass_errorNamesFileAndLine() {
        DockerfileException e = assertThrows(DockerfileException.class,
                () -> IgnoreFile.matcher("ctx/.dockerignore", "ok\nlogs/[a-\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("ctx/.dockerignore:2: bad pattern \"logs/[a-\": syntax error in pattern", e.getMessage());
    }

    @Test
    void read_bomCrlfAbsoluteAndDotDot_areCleaned() throws Exception {
        byte[] content = "\uFEFF/abs/path\r\n  ./a/../b/  \r\n! /x//y\r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("abs/path", "b", "!x/y"), IgnoreFile.read(content));
    }

    @Test
    void matchesUsingParentResults_walkOfManyFiles_agreesWithDirectAnswer() throws Exception {
        PatternMatcher pm = PatternMatcher.of(List.of("**/*.tmp", "build", "!build/keep", "docs/**/*.md",
                "!docs/README.md", "a?c/[x-z]*"));
        String[] dirs = {"src", "build", "build/keep", "docs", "docs/sub", "abc", "abc/yy"};
        String[] files = {"f.tmp", "README.md", "x.md", "y1", "keep", "main.java"};
        for (String d : dirs) {
            PatternMatcher.MatchInfo info = PatternMatcher.MatchInfo.NONE;
            String[] parts = d.split("/");
            String prefix = "";
            for (String part : parts) {
                prefix = prefix.isEmpty() ? part : prefix + "/" + part;
                info = pm.matchesUsingParentResults(prefix, info).info();
            }
            for (String f : files) {
                String path = d + "/" + f;
                assertEquals(pm.matchesOrParentMatches(path), pm.matchesUsingParentResults(path, info).excluded(),
                        path);
            }
        }
    }

    @Test
    void match_pathologicalPattern_finishesQuickly() throws Exception {
        PatternMatcher pm = PatternMatcher.of(List.of("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"));
        String path = "a".repeat(5000);
        long start = System.nanoTime();
        assertFalse(pm.matchesOrParentMatches(path));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "matching took too long");
    }
}
