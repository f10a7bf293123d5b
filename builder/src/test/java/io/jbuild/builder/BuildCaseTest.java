package io.jbuild.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The build corpus is well formed: one test per case (testdata/README.md defines the layout). */
class BuildCaseTest {
    private static final Set<String> OPTIONS = Set.of("buildArgs", "target", "secrets", "network", "parent",
            "expectedError", "buildah", "expectedFrom");
    private static final Pattern FILE_LINE = Pattern.compile(
            "(/\\S*) ([fdlhcbp]) ([0-7]{4}) (\\d+):(\\d+) (\\d+|-) (sha256:[0-9a-f]{64}|-) (\\S+)");
    private static final Pattern DELETED_LINE = Pattern.compile("-(/\\S*)");

    @TempDir
    Path temp;

    @TestFactory
    List<DynamicTest> corpus_everyCase_isWellFormed() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (BuildCase c : BuildCase.all()) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c)));
        }
        assertTrue(tests.size() >= 25, "the corpus has " + tests.size() + " cases");
        return tests;
    }

    private static void check(BuildCase c) throws Exception {
        String dockerfile = Files.readString(c.dockerfile(), StandardCharsets.UTF_8);
        assertTrue(dockerfile.contains("FROM ${BASE}") || dockerfile.contains("FROM ${PARENT}"),
                "the Dockerfile builds on ${BASE} (or its parent)");
        Path json = c.dir().resolve("build.json");
        if (Files.exists(json)) {
            JsonNode n = new ObjectMapper().readTree(json.toFile());
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                assertTrue(OPTIONS.contains(field), "unknown build.json member " + field);
            }
        }
        for (String secret : c.secrets().values()) {
            assertTrue(Files.isRegularFile(c.dir().resolve(secret)), "secret file " + secret);
            assertFalse(c.dir().resolve(secret).startsWith(c.dir().resolve("context")), "a secret outside the context");
        }
        if (c.parent() != null) {
            assertTrue(Files.isRegularFile(c.dir().resolve(c.parent())), "parent Dockerfile " + c.parent());
        }
        if (c.buildahDockerfile() != null) {
            assertTrue(Files.isRegularFile(c.dir().resolve(c.buildahDockerfile())), c.buildahDockerfile());
            assertTrue(c.expectedFrom() != null, "a buildah rewrite says why in expectedFrom");
        }
        if (c.buildahContext() != null) {
            assertTrue(Files.isDirectory(c.dir().resolve(c.buildahContext())), c.buildahContext());
        }
        if (c.fails()) {
            assertFalse(Files.exists(c.expectedFile()), "a failing case has no expected.txt");
            return;
        }
        List<String> lines = Files.readAllLines(c.expectedFile(), StandardCharsets.UTF_8);
        assertEquals(ImageSnapshot.FORMAT, lines.get(0));
        int i = 1;
        assertTrue(lines.get(i++).startsWith("platform="));
        for (String field : ImageSnapshot.CONFIG_FIELDS) {
            assertTrue(lines.get(i++).startsWith("config." + field + "="), "line " + i + ": config." + field);
        }
        assertTrue(lines.get(i++).matches("layers=\\d+"), "line " + i);
        assertTrue(lines.get(i++).matches("history=\\d+ entries, \\d+ empty_layer"), "line " + i);
        String filesHeader = lines.get(i++);
        assertTrue(filesHeader.equals("files:") || filesHeader.equals("files (changed from the base):"), filesHeader);
        String previous = "";
        for (; i < lines.size(); i++) {
            String line = lines.get(i);
            var file = FILE_LINE.matcher(line);
            var deleted = DELETED_LINE.matcher(line);
            String path;
            if (file.matches()) {
                path = file.group(1);
                boolean content = file.group(2).equals("f") || file.group(2).equals("h");
                assertEquals(content, !file.group(6).equals("-"), "line " + (i + 1) + ": size only for files");
                assertEquals(content, !file.group(7).equals("-"), "line " + (i + 1) + ": digest only for files");
            } else if (deleted.matches()) {
                path = deleted.group(1);
                assertTrue(filesHeader.startsWith("files ("), "deletions only against the base");
            } else {
                throw new AssertionError("line " + (i + 1) + " is no file line: " + line);
            }
            assertTrue(path.compareTo(previous) > 0, "line " + (i + 1) + ": " + path + " is out of order");
            previous = path;
        }
        if (!c.handWritten() && c.expectedFrom() == null) {
            assertTrue(c.buildahDockerfile() == null, "a plain buildah expectation needs no rewrite");
        }
    }

    @Test
    void normalisedCopy_modesOfAnyUmask_asUnderUmask022() throws Exception {
        Path src = Files.createDirectories(temp.resolve("src/sub"));
        Files.writeString(src.resolve("plain"), "x");
        Files.writeString(src.resolve("tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(src.resolve("plain"), PosixFilePermissions.fromString("rw-rw----"));
        Files.setPosixFilePermissions(src.resolve("tool"), PosixFilePermissions.fromString("rwxrwx---"));
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxrwx---"));
        Files.createSymbolicLink(src.resolve("link"), Path.of("plain"));
        Path copy = BuildCase.normalisedCopy(temp.resolve("src"), temp.resolve("copy"));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("sub"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("sub/plain"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("sub/tool"))));
        assertEquals(Path.of("plain"), Files.readSymbolicLink(copy.resolve("sub/link")));
    }
}
