package io.jbuild.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.dockerfile.PatternMatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextHasherTest {
    @TempDir
    Path tmp;
    Path context;
    Path index;

    @BeforeEach
    void tree() throws Exception {
        context = tmp.resolve("ctx");
        index = tmp.resolve("index");
        write(context, "app/main.c", "int main() {}\n");
        write(context, "app/util.c", "int util;\n");
        write(context, "app/README.md", "readme\n");
        write(context, "docs/guide.txt", "guide\n");
        write(context, "secret.key", "s3cret\n");
    }

    private static void write(Path root, String rel, String text) throws Exception {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private ContextHasher hasher() {
        return new ContextHasher(index, 0);
    }

    private ContextHasher.Selection select(ContextHasher h, PatternMatcher ignore, String... sources) throws Exception {
        return h.select(context, ignore, List.of(sources), true);
    }

    @Test
    void select_unchangedTree_answersFromTheIndexWithoutReading() throws Exception {
        ContextHasher first = hasher();
        ContextHasher.Selection a = select(first, null, ".");
        assertEquals(5, first.filesRead());
        first.save();
        ContextHasher second = hasher();
        ContextHasher.Selection b = select(second, null, ".");
        assertEquals(a, b);
        assertEquals(0, second.filesRead());
    }

    @Test
    void select_touchedFile_rehashedButSameDigest() throws Exception {
        ContextHasher first = hasher();
        ContextHasher.Selection a = select(first, null, ".");
        first.save();
        Files.setLastModifiedTime(context.resolve("app/main.c"), FileTime.from(Instant.now().plusSeconds(5)));
        ContextHasher second = hasher();
        ContextHasher.Selection b = select(second, null, ".");
        assertEquals(a.digest(), b.digest());
        assertEquals(1, second.filesRead());
    }

    @Test
    void select_oneByteChanged_differentDigestAndEntry() throws Exception {
        ContextHasher h = hasher();
        ContextHasher.Selection a = select(h, null, ".");
        h.save();
        Files.writeString(context.resolve("app/main.c"), "int main() {}\r");
        ContextHasher.Selection b = select(hasher(), null, ".");
        assertNotEquals(a.digest(), b.digest());
        assertNotEquals(a.files().get("app/main.c"), b.files().get("app/main.c"));
        assertEquals(a.files().get("app/util.c"), b.files().get("app/util.c"));
    }

    @Test
    void select_modeChanged_differentDigest() throws Exception {
        ContextHasher.Selection a = select(hasher(), null, "app/main.c");
        Files.setPosixFilePermissions(context.resolve("app/main.c"), PosixFilePermissions.fromString("rwxr-xr-x"));
        ContextHasher.Selection b = select(hasher(), null, "app/main.c");
        assertNotEquals(a.digest(), b.digest());
    }

    @Test
    void select_dockerignored_leftOut() throws Exception {
        PatternMatcher ignore = PatternMatcher.of(List.of("*.key", "docs"));
        ContextHasher.Selection s = select(hasher(), ignore, ".");
        assertEquals(List.of("app", "app/README.md", "app/main.c", "app/util.c"), List.copyOf(s.files().keySet()));
        Files.writeString(context.resolve("secret.key"), "other");
        assertEquals(s, select(hasher(), ignore, "."));
    }

    @Test
    void select_reincludedUnderIgnoredDirectory_included() throws Exception {
        PatternMatcher ignore = PatternMatcher.of(List.of("docs", "!docs/guide.txt"));
        ContextHasher.Selection s = select(hasher(), ignore, ".");
        assertTrue(s.files().containsKey("docs/guide.txt"));
    }

    @Test
    void select_wildcard_onlyMatchingFiles() throws Exception {
        ContextHasher.Selection s = select(hasher(), null, "app/*.c");
        assertEquals(List.of("app/main.c", "app/util.c"), List.copyOf(s.files().keySet()));
        Files.writeString(context.resolve("app/README.md"), "changed");
        assertEquals(s, select(hasher(), null, "app/*.c"));
        assertEquals(List.of(), List.copyOf(select(hasher(), null, "nothing*").files().keySet()));
    }

    @Test
    void select_wildcardThenLiteralThroughAFile_matchesOnlyExistingPaths() throws Exception {
        write(context, "app/sub/main.c", "nested\n");
        ContextHasher.Selection s = select(hasher(), null, "a?p/*/main.c");
        assertEquals(List.of("app/sub/main.c"), List.copyOf(s.files().keySet()));
        assertEquals(List.of(), List.copyOf(select(hasher(), null, "*/main.c/x").files().keySet()));
        assertEquals("missing", select(hasher(), null, "app/main.c/x").files().get("app/main.c/x"));
    }

    @Test
    void select_directorySource_coversItsTree() throws Exception {
        ContextHasher.Selection s = select(hasher(), null, "/app/../app/");
        assertEquals(List.of("app", "app/README.md", "app/main.c", "app/util.c"), List.copyOf(s.files().keySet()));
    }

    @Test
    void select_missingSource_recordedAsMissing() throws Exception {
        ContextHasher.Selection s = select(hasher(), null, "absent.txt");
        assertEquals("missing", s.files().get("absent.txt"));
    }

    @Test
    void select_symlinkSource_followedInsideTheRoot() throws Exception {
        Files.createSymbolicLink(context.resolve("link"), Path.of("/app/main.c"));
        ContextHasher.Selection a = select(hasher(), null, "link");
        assertTrue(a.files().containsKey("link//app/main.c"), a.files().toString());
        Files.writeString(context.resolve("app/main.c"), "changed");
        assertNotEquals(a.digest(), select(hasher(), null, "link").digest());
    }

    @Test
    void select_symlinkInsideDirectory_recordedAsLink() throws Exception {
        Files.createSymbolicLink(context.resolve("app/link"), Path.of("main.c"));
        ContextHasher.Selection s = select(hasher(), null, "app");
        assertTrue(s.files().get("app/link").startsWith("l "), s.files().get("app/link"));
        assertTrue(s.files().get("app/link").endsWith("-> main.c"));
        assertFalse(s.files().containsKey("app/link//app/main.c"));
    }

    @Test
    void select_copyInAnotherDirectory_sameDigest() throws Exception {
        Path other = tmp.resolve("elsewhere/ctx");
        for (String rel : List.of("app/main.c", "app/util.c", "app/README.md", "docs/guide.txt", "secret.key")) {
            write(other, rel, Files.readString(context.resolve(rel)));
        }
        Files.setLastModifiedTime(other.resolve("app/main.c"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        ContextHasher.Selection a = select(hasher(), null, ".");
        ContextHasher.Selection b = hasher().select(other, null, List.of("."), true);
        assertEquals(a.digest(), b.digest());
    }

    @Test
    void select_damagedIndex_rehashesSameDigest() throws Exception {
        ContextHasher h = hasher();
        ContextHasher.Selection a = select(h, null, ".");
        h.save();
        try (var files = Files.list(index)) {
            for (Path p : files.toList()) {
                Files.write(p, new byte[] {0, 5, 'j', 'u'});
            }
        }
        ContextHasher second = hasher();
        assertEquals(a, select(second, null, "."));
        assertEquals(5, second.filesRead());
    }

    @Test
    void select_xattrAdded_differentDigestEvenFromTheIndex() throws Exception {
        ContextHasher h = hasher();
        ContextHasher.Selection a = select(h, null, "app/main.c");
        h.save();
        java.nio.file.attribute.UserDefinedFileAttributeView view = Files.getFileAttributeView(
                context.resolve("app/main.c"), java.nio.file.attribute.UserDefinedFileAttributeView.class);
        try {
            view.write("jbuild.test", java.nio.ByteBuffer.wrap(new byte[] {1}));
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no user xattrs here: " + e);
        }
        ContextHasher second = hasher();
        ContextHasher.Selection b = select(second, null, "app/main.c");
        assertNotEquals(a.digest(), b.digest());
        assertTrue(b.files().get("app/main.c").contains(" x="), b.files().toString());
        second.save();
        assertEquals(b, select(hasher(), null, "app/main.c"));
    }

    @Test
    void select_recentChange_notTrustedFromTheIndex() throws Exception {
        ContextHasher h = new ContextHasher(index, 60_000);
        select(h, null, ".");
        h.save();
        ContextHasher second = new ContextHasher(index, 60_000);
        select(second, null, ".");
        assertEquals(5, second.filesRead());
    }
}
