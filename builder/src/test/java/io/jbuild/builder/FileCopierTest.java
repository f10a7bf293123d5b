package io.jbuild.builder;

import io.jbuild.dockerfile.Chmod;
import io.jbuild.dockerfile.PatternMatcher;
import io.jbuild.dockerfile.SourceContent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * COPY semantics against BuildKit's (dockerfile_copy_test.go, dockerfile_parents_test.go,
 * exclude_patterns_test.go, fsutil copy). Runs as root so that ownership can be checked.
 */
@Timeout(120)
class FileCopierTest {
    @TempDir
    Path tmp;

    Path context;
    Path target;
    Path outside;
    final FileCopier copier = new FileCopier(HttpClient.newHttpClient());

    @BeforeEach
    void setUp() throws IOException {
        context = Files.createDirectories(tmp.resolve("context"));
        target = Files.createDirectories(tmp.resolve("target"));
        outside = Files.createDirectories(tmp.resolve("outside"));
    }

    // ---- helpers

    static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    static Path write(Path file, String content, int mode) throws IOException {
        write(file, content);
        Files.setAttribute(file, "unix:mode", mode);
        return file;
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    static String owner(Path p) throws IOException {
        return Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
                + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    static void chown(Path p, int uid, int gid) throws IOException {
        PosixFiles.lchown(p, uid, gid);
    }

    CopyRequest copyOf(String dest, String... sources) {
        return CopyRequest.copy(CopySource.context(context, null), List.of(sources), dest, "/");
    }

    CopyRequest copyIgnoring(List<String> ignore, String dest, String... sources) throws Exception {
        return CopyRequest.copy(CopySource.context(context, PatternMatcher.of(ignore)), List.of(sources), dest, "/");
    }

    void run(CopyRequest request) throws Exception {
        copier.copy(request, target);
    }

    BuildException fails(CopyRequest request) {
        return assertThrows(BuildException.class, () -> copier.copy(request, target));
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    // ---- destinations

    @Test
    void copy_fileToDestWithSlash_placesFileInside() throws Exception {
        write(context.resolve("testfile"), "contents0");
        run(copyOf("/sample/", "testfile"));
        assertEquals("contents0", read(target.resolve("sample/testfile")));
    }

    @Test
    void copy_fileToDestWithoutSlash_writesFileNamedDest() throws Exception {
        write(context.resolve("testfile"), "contents0");
        run(copyOf("/sample", "testfile"));
        assertTrue(Files.isRegularFile(target.resolve("sample")));
        assertEquals("contents0", read(target.resolve("sample")));
    }

    @Test
    void copy_fileToExistingDirWithoutSlash_placesFileInside() throws Exception {
        write(context.resolve("testfile"), "contents0");
        Files.createDirectories(target.resolve("existing"));
        run(copyOf("/existing", "testfile"));
        assertEquals("contents0", read(target.resolve("existing/testfile")));
    }

    @Test
    void copy_relativeDest_resolvedAgainstWorkdir() throws Exception {
        write(context.resolve("test.txt"), "x");
        run(CopyRequest.copy(CopySource.context(context, null), List.of("test.txt"), "rel/", "/usr/src/app"));
        assertEquals("x", read(target.resolve("usr/src/app/rel/test.txt")));
    }

    @Test
    void copy_dotDest_copiesIntoWorkdir() throws Exception {
        write(context.resolve("testfile"), "contents0");
        run(CopyRequest.copy(CopySource.context(context, null), List.of("testfile"), ".", "/var/www"));
        assertEquals("contents0", read(target.resolve("var/www/testfile")));
    }

    @Test
    void copy_emptyDest_copiesIntoWorkdir() throws Exception {
        write(context.resolve("testfile"), "contents0");
        run(CopyRequest.copy(CopySource.context(context, null), List.of("testfile"), "", "/work"));
        assertEquals("contents0", read(target.resolve("work/testfile")));
    }

    @Test
    void copy_missingParents_createdRootOwned0755() throws Exception {
        write(context.resolve("f"), "x", 0600);
        run(copyOf("/a/b/c/f", "f"));
        assertEquals(0755, mode(target.resolve("a")));
        assertEquals(0755, mode(target.resolve("a/b/c")));
        assertEquals("0:0", owner(target.resolve("a/b")));
        assertEquals(0600, mode(target.resolve("a/b/c/f")));
    }

    @Test
    void copy_directorySource_copiesContents() throws Exception {
        write(context.resolve("dir/a.txt"), "a");
        write(context.resolve("dir/sub/b.txt"), "b");
        run(copyOf("/dest", "dir"));
        assertEquals("a", read(target.resolve("dest/a.txt")));
        assertEquals("b", read(target.resolve("dest/sub/b.txt")));
        assertFalse(Files.exists(target.resolve("dest/dir")));
    }

    @Test
    void copy_directorySourceWithTrailingSlash_copiesContents() throws Exception {
        write(context.resolve("dir/a.txt"), "a");
        run(copyOf("/dest/", "dir/"));
        assertEquals("a", read(target.resolve("dest/a.txt")));
    }

    @Test
    void copy_wholeContext_copiesEverything() throws Exception {
        write(context.resolve("a"), "a");
        write(context.resolve("d/b"), "b");
        run(copyOf("/", "."));
        assertEquals("a", read(target.resolve("a")));
        assertEquals("b", read(target.resolve("d/b")));
    }

    @Test
    void copy_directoryIntoExistingDirectory_merges() throws Exception {
        write(context.resolve("dir/new.txt"), "new");
        write(context.resolve("dir/sub/same.txt"), "from context");
        write(target.resolve("dest/old.txt"), "old");
        write(target.resolve("dest/sub/same.txt"), "from image");
        write(target.resolve("dest/sub/other.txt"), "other");
        run(copyOf("/dest", "dir"));
        assertEquals("old", read(target.resolve("dest/old.txt")));
        assertEquals("new", read(target.resolve("dest/new.txt")));
        assertEquals("from context", read(target.resolve("dest/sub/same.txt")));
        assertEquals("other", read(target.resolve("dest/sub/other.txt")));
    }

    @Test
    void copy_fileOverExistingFile_replacesIt() throws Exception {
        write(context.resolve("f"), "new", 0640);
        write(target.resolve("etc/f"), "old", 0777);
        run(copyOf("/etc/f", "f"));
        assertEquals("new", read(target.resolve("etc/f")));
        assertEquals(0640, mode(target.resolve("etc/f")));
    }

    @Test
    void copy_fileOverExistingSymlink_replacesTheLinkNotItsTarget() throws Exception {
        write(context.resolve("dir/f"), "new");
        write(target.resolve("victim"), "keep");
        Files.createDirectories(target.resolve("dest"));
        Files.createSymbolicLink(target.resolve("dest/f"), Path.of("/victim"));
        run(copyOf("/dest", "dir"));
        assertFalse(Files.isSymbolicLink(target.resolve("dest/f")));
        assertEquals("new", read(target.resolve("dest/f")));
        assertEquals("keep", read(target.resolve("victim")));
    }

    @Test
    void copy_fileOntoExistingDirectoryInsideTree_fails() throws Exception {
        write(context.resolve("dir/x"), "file");
        Files.createDirectories(target.resolve("dest/x"));
        BuildException e = fails(copyOf("/dest", "dir"));
        assertTrue(e.getMessage().contains("cannot replace to directory /dest/x with file"), e.getMessage());
    }

    @Test
    void copy_directoryOntoExistingFile_fails() throws Exception {
        write(context.resolve("dir/x/y"), "file");
        write(target.resolve("dest/x"), "a file");
        BuildException e = fails(copyOf("/dest", "dir"));
        assertTrue(e.getMessage().contains("cannot copy to non-directory: /dest/x"), e.getMessage());
    }

    @Test
    void copy_multipleFilesToDestWithoutSlash_lastOneWinsAsBuildKit() throws Exception {
        // BuildKit does not enforce the "must end with a /" rule of the classic builder: each source
        // is copied in turn onto the same path
        write(context.resolve("a"), "a");
        write(context.resolve("b"), "b");
        run(copyOf("/dest", "a", "b"));
        assertEquals("b", read(target.resolve("dest")));
    }

    @Test
    void copy_multipleSourcesToDirectory_copiesAll() throws Exception {
        write(context.resolve("a"), "a");
        write(context.resolve("d/b"), "b");
        run(copyOf("/dest/", "a", "d"));
        assertEquals("a", read(target.resolve("dest/a")));
        assertEquals("b", read(target.resolve("dest/b")));
    }

    // ---- sources: missing, escaping, wildcards

    @Test
    void copy_missingSource_failsWithCacheKeyMessage() throws Exception {
        BuildException e = fails(copyOf("/", "nope"));
        assertEquals("failed to compute cache key: \"/nope\": not found", e.getMessage());
    }

    @Test
    void copy_missingSourceBesideExistingOne_fails() throws Exception {
        write(context.resolve("foo"), "x");
        BuildException e = fails(copyOf("/", "foo", "sub/nope"));
        assertEquals("failed to compute cache key: \"/sub/nope\": not found", e.getMessage());
    }

    @Test
    void copy_dotDotSource_cannotEscapeContext() throws Exception {
        write(outside.resolve("secret"), "secret");
        BuildException e = fails(copyOf("/", "../outside/secret"));
        assertEquals("failed to compute cache key: \"/outside/secret\": not found", e.getMessage());
        assertFalse(Files.exists(target.resolve("secret")));
    }

    @Test
    void copy_dotDotSource_isClampedToContextRootAsBuildKit() throws Exception {
        write(context.resolve("something"), "inside");
        run(copyOf("/x", "../../something"));
        assertEquals("inside", read(target.resolve("x")));
    }

    @Test
    void copy_absoluteSymlinkSourcePointingOutside_resolvedInsideContext() throws Exception {
        write(outside.resolve("secret"), "secret");
        Files.createSymbolicLink(context.resolve("link"), outside.resolve("secret"));
        BuildException e = fails(copyOf("/", "link"));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        // the same path inside the context is what the link means
        write(context.resolve(outside.resolve("secret").toString().substring(1)), "inside");
        run(copyOf("/got", "link"));
        assertEquals("inside", read(target.resolve("got")));
    }

    @Test
    void copy_relativeSymlinkSourceEscaping_clampedAtContextRoot() throws Exception {
        write(outside.resolve("secret"), "secret");
        Files.createSymbolicLink(context.resolve("link"), Path.of("../outside/secret"));
        BuildException e = fails(copyOf("/", "link"));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void copy_symlinkDirectoryInsideSourceTree_neverFollowedOutside() throws Exception {
        write(outside.resolve("secret"), "secret");
        Files.createDirectories(context.resolve("dir"));
        Files.createSymbolicLink(context.resolve("dir/out"), outside);
        run(copyOf("/dest", "dir"));
        assertTrue(Files.isSymbolicLink(target.resolve("dest/out")));
        assertEquals(outside, Files.readSymbolicLink(target.resolve("dest/out")));
    }

    @Test
    void copy_wildcard_copiesEveryMatch() throws Exception {
        write(context.resolve("foo1"), "1");
        write(context.resolve("foo2"), "2");
        write(context.resolve("bar"), "b");
        run(copyOf("/files/", "foo*"));
        assertEquals("1", read(target.resolve("files/foo1")));
        assertEquals("2", read(target.resolve("files/foo2")));
        assertFalse(Files.exists(target.resolve("files/bar")));
    }

    @Test
    void copy_wildcardMatchingDirectory_copiesItsContents() throws Exception {
        write(context.resolve("dir1/a"), "a");
        write(context.resolve("dir2/b"), "b");
        run(copyOf("/out/", "dir*"));
        assertEquals("a", read(target.resolve("out/a")));
        assertEquals("b", read(target.resolve("out/b")));
    }

    @Test
    void copy_wildcardInDirectoryPart_matchesNestedEntries() throws Exception {
        write(context.resolve("a/x.txt"), "a");
        write(context.resolve("b/x.txt"), "b");
        write(context.resolve("b/y.log"), "y");
        write(context.resolve("c/d/x.txt"), "deep");
        run(copyOf("/out/", "*/*.txt"));
        assertEquals("b", read(target.resolve("out/x.txt")));
        assertFalse(Files.exists(target.resolve("out/y.log")));
    }

    @Test
    void copy_wildcardCharacterClassAndQuestionMark_matchAsGo() throws Exception {
        write(context.resolve("file1"), "1");
        write(context.resolve("file2"), "2");
        write(context.resolve("file3"), "3");
        write(context.resolve("fileX"), "X");
        run(copyOf("/out/", "file[12]", "file?"));
        assertEquals(List.of("file1", "file2", "file3", "fileX"), list(target.resolve("out")));
        // Go negates a class with ^ (a ! is just a character)
        run(copyOf("/only/", "file[^1-2X]"));
        assertEquals(List.of("file3"), list(target.resolve("only")));
    }

    @Test
    void copy_escapedWildcard_isNoWildcardAndTakenLiterallyAsBuildKit() throws Exception {
        write(context.resolve("a\\*b"), "backslash");
        write(context.resolve("a*b"), "star");
        run(copyOf("/out/", "a\\*b"));
        assertEquals(List.of("a\\*b"), list(target.resolve("out")));
    }

    @Test
    void copy_wildcardWithoutMatch_copiesNothingAsBuildKit() throws Exception {
        write(context.resolve("foo"), "contents0");
        run(copyOf("/", "foo", "nomatch*"));
        assertEquals("contents0", read(target.resolve("foo")));
        run(copyOf("/only/", "nomatch*"));
    }

    @Test
    void copy_wildcardSingleMatchToDestWithoutSlash_writesFileNamedDest() throws Exception {
        write(context.resolve("foo.txt"), "x");
        run(copyOf("/renamed", "*.txt"));
        assertEquals("x", read(target.resolve("renamed")));
    }

    @Test
    void copy_malformedWildcard_matchesNothingAsBuildKit() throws Exception {
        write(context.resolve("[abc"), "x");
        run(copyOf("/out/", "[abc"));
        assertFalse(Files.exists(target.resolve("out/[abc")));
    }

    @Test
    void copy_symlinkLoopInSource_failsWithoutHanging() throws Exception {
        Files.createSymbolicLink(context.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(context.resolve("b"), Path.of("a"));
        BuildException e = fails(copyOf("/", "a"));
        assertTrue(e.getMessage().contains("too many levels of symbolic links"), e.getMessage());
    }

    @Test
    void copy_symlinkLoopInDest_failsWithoutHanging() throws Exception {
        write(context.resolve("f"), "x");
        Files.createSymbolicLink(target.resolve("a"), Path.of("/b"));
        Files.createSymbolicLink(target.resolve("b"), Path.of("/a"));
        BuildException e = fails(copyOf("/a/f", "f"));
        assertTrue(e.getMessage().contains("too many levels of symbolic links"), e.getMessage());
    }

    // ---- symlinks in sources

    @Test
    void copy_sourceThatIsSymlink_copiesItsTarget() throws Exception {
        write(context.resolve("bar"), "bar-contents");
        Files.createSymbolicLink(context.resolve("foo"), Path.of("bar"));
        run(copyOf("/", "foo"));
        assertFalse(Files.isSymbolicLink(target.resolve("foo")));
        assertEquals("bar-contents", read(target.resolve("foo")));
    }

    @Test
    void copy_wildcardMatchesThatAreSymlinks_followedToTheEnd() throws Exception {
        Path sub = Files.createDirectories(context.resolve("sub"));
        write(sub.resolve("lfile"), "lfile-contents");
        Files.createSymbolicLink(sub.resolve("l0"), Path.of("subfile"));
        write(sub.resolve("subfile"), "subfile-contents");
        Files.createSymbolicLink(sub.resolve("l1"), Path.of("second"));
        Files.createSymbolicLink(sub.resolve("second"), Path.of("baz"));
        write(sub.resolve("baz"), "baz-contents");
        run(copyOf("/alllinks/", "sub/l*"));
        assertEquals("subfile-contents", read(target.resolve("alllinks/l0")));
        assertEquals("lfile-contents", read(target.resolve("alllinks/lfile")));
        assertEquals("baz-contents", read(target.resolve("alllinks/l1")));
        assertFalse(Files.isSymbolicLink(target.resolve("alllinks/l1")));
    }

    @Test
    void copy_symlinksInsideDirectory_keptAsLinks() throws Exception {
        write(context.resolve("bar"), "bar-contents");
        Files.createDirectories(context.resolve("foo"));
        Files.createSymbolicLink(context.resolve("foo/sub"), Path.of("../bar"));
        run(copyOf("/", "foo"));
        assertTrue(Files.isSymbolicLink(target.resolve("sub")));
        assertEquals(Path.of("../bar"), Files.readSymbolicLink(target.resolve("sub")));
        run(copyOf("/bar2", "foo/sub"));
        assertEquals("bar-contents", read(target.resolve("bar2")));
    }

    @Test
    void copy_throughSymlinkedDirectoryInContext_follows() throws Exception {
        write(context.resolve("sub/foo"), "contents");
        Files.createSymbolicLink(context.resolve("link"), Path.of("sub"));
        run(copyOf("/", "link/foo"));
        assertEquals("contents", read(target.resolve("foo")));
    }

    @Test
    void copy_fromRootfsThroughAbsoluteSymlink_resolvedInsideThatRootfs() throws Exception {
        Path stage = Files.createDirectories(tmp.resolve("stage"));
        write(stage.resolve("out/sub/foo"), "data");
        Files.createSymbolicLink(stage.resolve("sub"), Path.of("/out/sub"));
        Files.createSymbolicLink(stage.resolve("sub2"), Path.of("out/sub"));
        run(CopyRequest.copy(CopySource.rootfs(stage), List.of("/sub/foo"), ".", "/"));
        run(CopyRequest.copy(CopySource.rootfs(stage), List.of("/sub2/foo"), "bar", "/"));
        assertEquals("data", read(target.resolve("foo")));
        assertEquals("data", read(target.resolve("bar")));
    }

    // ---- destinations through symlinks (hostile)

    @Test
    void copy_destThroughRelativeSymlinkPointingOutside_staysInsideTarget() throws Exception {
        write(context.resolve("f"), "payload");
        Files.createSymbolicLink(target.resolve("escape"), Path.of("../../../../../../../../tmp-escape-test"));
        run(copyOf("/escape/", "f"));
        assertFalse(Files.exists(Path.of("/tmp-escape-test")));
        assertEquals("payload", read(target.resolve("tmp-escape-test/f")));
    }

    @Test
    void copy_destThroughAbsoluteSymlink_resolvedInsideTarget() throws Exception {
        write(context.resolve("f"), "payload");
        Files.createSymbolicLink(target.resolve("link"), outside);
        run(copyOf("/link/f", "f"));
        assertFalse(Files.exists(outside.resolve("f")));
        assertEquals("payload", read(target.resolve(outside.toString().substring(1)).resolve("f")));
    }

    @Test
    void copy_destIntermediateAbsoluteSymlink_followedInsideTarget() throws Exception {
        write(context.resolve("f"), "x");
        Files.createDirectories(target.resolve("opt/local"));
        Files.createDirectories(target.resolve("usr"));
        Files.createSymbolicLink(target.resolve("usr/local"), Path.of("/opt/local"));
        run(copyOf("/usr/local/bin/f", "f"));
        assertEquals("x", read(target.resolve("opt/local/bin/f")));
        assertTrue(Files.isSymbolicLink(target.resolve("usr/local")));
    }

    @Test
    void copy_destFinalSymlinkToDirectory_copiesIntoIt() throws Exception {
        write(context.resolve("f"), "x");
        Files.createDirectories(target.resolve("real"));
        Files.createSymbolicLink(target.resolve("alias"), Path.of("real"));
        run(copyOf("/alias", "f"));
        assertEquals("x", read(target.resolve("real/f")));
    }

    @Test
    void copy_sourceTreeSymlinkOverDestLink_neverWritesThroughIt() throws Exception {
        // a symlink in the image at the path a directory entry is copied to: BuildKit refuses
        write(context.resolve("dir/lib/x"), "x");
        Files.createDirectories(target.resolve("dest"));
        Files.createSymbolicLink(target.resolve("dest/lib"), outside);
        BuildException e = fails(copyOf("/dest", "dir"));
        assertTrue(e.getMessage().contains("cannot copy to non-directory"), e.getMessage());
        assertFalse(Files.exists(outside.resolve("x")));
    }

    // ---- .dockerignore

    @Test
    void copy_dockerignoredSource_isNotFound() throws Exception {
        write(context.resolve("secret.txt"), "s");
        BuildException e = assertThrows(BuildException.class,
                () -> copier.copy(copyIgnoring(List.of("*.txt"), "/", "secret.txt"), target));
        assertEquals("failed to compute cache key: \"/secret.txt\": not found", e.getMessage());
    }

    @Test
    void copy_dockerignoredEntries_skippedInDirectoriesAndWildcards() throws Exception {
        write(context.resolve("keep.txt"), "k");
        write(context.resolve("skip.log"), "s");
        write(context.resolve("dir/skip.log"), "s");
        write(context.resolve("dir/keep.txt"), "k");
        write(context.resolve("node_modules/x"), "x");
        run(copyIgnoring(List.of("*.log", "**/*.log", "node_modules"), "/all/", "."));
        assertEquals(List.of("dir", "keep.txt"), list(target.resolve("all")));
        assertEquals(List.of("keep.txt"), list(target.resolve("all/dir")));
        run(copyIgnoring(List.of("skip.log"), "/wild/", "*.log"));
        assertFalse(Files.exists(target.resolve("wild/skip.log")));
    }

    @Test
    void copy_dockerignoreException_reincludesInsideIgnoredDirectory() throws Exception {
        write(context.resolve("docs/a.md"), "a");
        write(context.resolve("docs/keep/b.md"), "b");
        run(copyIgnoring(List.of("docs", "!docs/keep"), "/out/", "."));
        assertEquals(List.of("docs"), list(target.resolve("out")));
        assertEquals(List.of("keep"), list(target.resolve("out/docs")));
        assertEquals("b", read(target.resolve("out/docs/keep/b.md")));
    }

    // ---- ownership, modes, times, xattrs, links

    @Test
    void copy_fromContext_ownedByRoot() throws Exception {
        assumeTrue(isRoot());
        write(context.resolve("dir/f"), "x");
        chown(context.resolve("dir/f"), 1234, 5678);
        chown(context.resolve("dir"), 1234, 5678);
        Files.createSymbolicLink(context.resolve("dir/l"), Path.of("f"));
        chown(context.resolve("dir/l"), 1234, 5678);
        run(copyOf("/out", "dir"));
        assertEquals("0:0", owner(target.resolve("out")));
        assertEquals("0:0", owner(target.resolve("out/f")));
        assertEquals("0:0", owner(target.resolve("out/l")));
    }

    @Test
    void copy_fromRootfs_keepsOwnershipButCreatesDestAsRoot() throws Exception {
        assumeTrue(isRoot());
        Path stage = Files.createDirectories(tmp.resolve("stage"));
        write(stage.resolve("file"), "f");
        chown(stage.resolve("file"), 100, 200);
        write(stage.resolve("dir/subdir/nestedfile"), "n");
        chown(stage.resolve("dir"), 100, 200);
        chown(stage.resolve("dir/subdir"), 101, 201);
        chown(stage.resolve("dir/subdir/nestedfile"), 102, 202);
        Files.createDirectories(target.resolve("existingdir/existingsubdir"));
        chown(target.resolve("existingdir"), 500, 600);
        chown(target.resolve("existingdir/existingsubdir"), 501, 601);
        CopySource from = CopySource.rootfs(stage);
        run(CopyRequest.copy(from, List.of("/file"), ".", "/"));
        run(CopyRequest.copy(from, List.of("/dir"), "/dir", "/"));
        run(CopyRequest.copy(from, List.of("/dir/."), "/existingdir", "/"));
        assertEquals("100:200", owner(target.resolve("file")));
        assertEquals("0:0", owner(target.resolve("dir")));
        assertEquals("101:201", owner(target.resolve("dir/subdir")));
        assertEquals("102:202", owner(target.resolve("dir/subdir/nestedfile")));
        assertEquals("500:600", owner(target.resolve("existingdir")));
        assertEquals("501:601", owner(target.resolve("existingdir/existingsubdir")));
        assertEquals("101:201", owner(target.resolve("existingdir/subdir")));
        assertEquals("102:202", owner(target.resolve("existingdir/subdir/nestedfile")));
    }

    @Test
    void copy_chown_appliesToCopiesAndCreatedDirectoriesNotExistingOnes() throws Exception {
        assumeTrue(isRoot());
        Path stage = Files.createDirectories(tmp.resolve("stage"));
        write(stage.resolve("file"), "f");
        write(stage.resolve("dir/subdir/nestedfile"), "n");
        chown(stage.resolve("dir/subdir"), 101, 201);
        Files.createDirectories(target.resolve("existingdir/existingsubdir"));
        chown(target.resolve("existingdir"), 500, 600);
        CopySource from = CopySource.rootfs(stage);
        run(CopyRequest.copy(from, List.of("/file"), ".", "/").withChown(300, 400));
        run(CopyRequest.copy(from, List.of("/dir"), "/dir", "/").withChown(300, 400));
        run(CopyRequest.copy(from, List.of("/dir/."), "/existingdir", "/").withChown(300, 400));
        run(CopyRequest.copy(from, List.of("/file"), "/new/parents/", "/").withChown(300, 400));
        assertEquals("300:400", owner(target.resolve("file")));
        assertEquals("300:400", owner(target.resolve("dir")));
        assertEquals("300:400", owner(target.resolve("dir/subdir")));
        assertEquals("300:400", owner(target.resolve("dir/subdir/nestedfile")));
        assertEquals("500:600", owner(target.resolve("existingdir")));
        assertEquals("0:0", owner(target.resolve("existingdir/existingsubdir")));
        assertEquals("300:400", owner(target.resolve("existingdir/subdir/nestedfile")));
        assertEquals("300:400", owner(target.resolve("new")));
        assertEquals("300:400", owner(target.resolve("new/parents")));
        assertEquals("300:400", owner(target.resolve("new/parents/file")));
    }

    @Test
    void copy_chmodOctal_appliesToFilesAndDirectories() throws Exception {
        write(context.resolve("dir/f"), "x", 0600);
        write(context.resolve("dir/sub/g"), "y", 0644);
        run(copyOf("/out", "dir").withChmod(Chmod.parse("0750")));
        assertEquals(0750, mode(target.resolve("out/f")));
        assertEquals(0750, mode(target.resolve("out/sub")));
        assertEquals(0750, mode(target.resolve("out/sub/g")));
        // the destination directory created for the copy gets the octal mode too (fsutil MkdirAll)
        assertEquals(0750, mode(target.resolve("out")));
    }

    @Test
    void copy_chmodSpecialBits_kept() throws Exception {
        write(context.resolve("f"), "x");
        run(copyOf("/f", "f").withChmod(Chmod.parse("4755")));
        assertEquals(04755, mode(target.resolve("f")));
    }

    @Test
    void copy_chmodSymbolic_appliedRelativeToSourceMode() throws Exception {
        write(context.resolve("dir/plain"), "x", 0600);
        write(context.resolve("dir/exec"), "y", 0700);
        Files.createDirectories(context.resolve("dir/sub"));
        Files.setAttribute(context.resolve("dir/sub"), "unix:mode", 0700);
        run(copyOf("/out", "dir").withChmod(Chmod.parse("go+rX")));
        assertEquals(0644, mode(target.resolve("out/plain")));
        assertEquals(0755, mode(target.resolve("out/exec")));
        assertEquals(0755, mode(target.resolve("out/sub")));
    }

    @Test
    void copy_modesAndTimes_preserved() throws Exception {
        Path f = write(context.resolve("dir/f"), "x", 0751);
        FileTime mtime = FileTime.fromMillis(1_500_000_000_123L);
        Files.setLastModifiedTime(f, mtime);
        Files.createDirectories(context.resolve("dir/sub"));
        Files.setAttribute(context.resolve("dir/sub"), "unix:mode", 0700);
        Files.setLastModifiedTime(context.resolve("dir/sub"), FileTime.fromMillis(1_300_000_000_000L));
        Files.setAttribute(context.resolve("dir"), "unix:mode", 0711);
        Files.setLastModifiedTime(context.resolve("dir"), FileTime.fromMillis(1_400_000_000_000L));
        run(copyOf("/out", "dir"));
        assertEquals(0751, mode(target.resolve("out/f")));
        assertEquals(mtime, Files.getLastModifiedTime(target.resolve("out/f")));
        assertEquals(0700, mode(target.resolve("out/sub")));
        assertEquals(FileTime.fromMillis(1_300_000_000_000L), Files.getLastModifiedTime(target.resolve("out/sub")));
        // the directory the contents went into was created 0755 with the source directory's times
        assertEquals(0755, mode(target.resolve("out")));
        assertEquals(FileTime.fromMillis(1_400_000_000_000L), Files.getLastModifiedTime(target.resolve("out")));
    }

    @Test
    void copy_symlinkTimes_preservedOnTheLinkItself() throws Exception {
        Files.createDirectories(context.resolve("dir"));
        Path link = Files.createSymbolicLink(context.resolve("dir/l"), Path.of("nowhere"));
        PosixFiles.setTimes(link, 1_000_000_000_000_000_000L, 1_000_000_000_000_000_000L);
        run(copyOf("/out", "dir"));
        assertEquals(FileTime.fromMillis(1_000_000_000_000L),
                Files.getLastModifiedTime(target.resolve("out/l"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void copy_xattrs_copied() throws Exception {
        Path f = write(context.resolve("dir/f"), "x");
        try {
            PosixFiles.setXattr(f, "user.origin", "context".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            assumeTrue(false, "no user xattrs here: " + e.getMessage());
        }
        if (isRoot()) {
            PosixFiles.setXattr(f, "trusted.jbuild", "t".getBytes(StandardCharsets.UTF_8));
        }
        run(copyOf("/out", "dir"));
        assertEquals("context", new String(PosixFiles.getXattr(target.resolve("out/f"), "user.origin"),
                StandardCharsets.UTF_8));
        if (isRoot()) {
            assertEquals("t", new String(PosixFiles.getXattr(target.resolve("out/f"), "trusted.jbuild"),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void copy_hardlinksInsideOneSource_preserved() throws Exception {
        Path a = write(context.resolve("dir/a"), "same");
        Files.createLink(context.resolve("dir/b"), a);
        run(copyOf("/out", "dir"));
        Object inoA = Files.getAttribute(target.resolve("out/a"), "unix:ino");
        Object inoB = Files.getAttribute(target.resolve("out/b"), "unix:ino");
        assertEquals(inoA, inoB);
        assertEquals(2, Files.getAttribute(target.resolve("out/a"), "unix:nlink"));
    }

    @Test
    void copy_socketInContext_becomesEmptyRegularFile() throws Exception {
        Path socket = context.resolve("socket.sock");
        try (java.nio.channels.ServerSocketChannel ch = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(socket));
            run(copyOf("/", "."));
        }
        assertTrue(Files.isRegularFile(target.resolve("socket.sock"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void copy_fifoFromRootfs_keptAsFifo() throws Exception {
        Path stage = Files.createDirectories(tmp.resolve("stage"));
        PosixFiles.mknod(stage.resolve("fifo"), 0010644, 0);
        run(CopyRequest.copy(CopySource.rootfs(stage), List.of("/"), "/out", "/"));
        Map<String, Object> attrs = PosixFiles.lstat(target.resolve("out/fifo"));
        assertEquals(0010644, attrs.get("mode"));
    }

    // ---- --parents

    @Test
    void copy_parents_keepsRelativeParentPath() throws Exception {
        write(context.resolve("foo1/foo2/bar"), "testing");
        write(context.resolve("foo1/foo2/baz"), "testing2");
        run(copyOf("/", "foo1/foo2/bar").withParents(true));
        run(CopyRequest.copy(CopySource.context(context, null), List.of("foo1/foo2/ba*"), ".", "/test")
                .withParents(true));
        assertEquals("testing", read(target.resolve("foo1/foo2/bar")));
        assertFalse(Files.exists(target.resolve("foo1/foo2/baz")));
        assertEquals("testing", read(target.resolve("test/foo1/foo2/bar")));
        assertEquals("testing2", read(target.resolve("test/foo1/foo2/baz")));
    }

    @Test
    void copy_parentsWithPivot_dropsThePartBeforeIt() throws Exception {
        Path stage = parentsStage();
        CopySource from = CopySource.rootfs(stage);
        run(CopyRequest.copy(from, List.of("/test/a/b/./c/d"), "/middle/", "/").withParents(true));
        assertTrue(Files.isDirectory(target.resolve("middle/c/d/e")));
        assertTrue(Files.isRegularFile(target.resolve("middle/c/d/foo")));
        assertFalse(Files.exists(target.resolve("middle/a")));
        run(CopyRequest.copy(from, List.of("/test/a/b/c/d/."), "/end/", "/").withParents(true));
        assertTrue(Files.isRegularFile(target.resolve("end/test/a/b/c/d/foo")));
        run(CopyRequest.copy(from, List.of("./test/a/b/c/d"), "/start/", "/").withParents(true));
        assertTrue(Files.isRegularFile(target.resolve("start/test/a/b/c/d/foo")));
        run(CopyRequest.copy(from, List.of("/test/a/./b/./c"), "/double/", "/").withParents(true));
        assertTrue(Files.isRegularFile(target.resolve("double/b/c/d/foo")));
    }

    @Test
    void copy_parentsWithWildcards_matchEachSide() throws Exception {
        Path stage = parentsStage();
        CopySource from = CopySource.rootfs(stage);
        run(CopyRequest.copy(from, List.of("/test/a/./*/c"), "/wildcard/", "/").withParents(true));
        assertTrue(Files.isDirectory(target.resolve("wildcard/b/c/d/e")));
        assertTrue(Files.isRegularFile(target.resolve("wildcard/b2/c/d/e/bar")));
        run(CopyRequest.copy(from, List.of("/test/a/b*/./c/**/e"), "/dw/", "/").withParents(true));
        assertTrue(Files.isRegularFile(target.resolve("dw/c/d/e/bay")));
        assertTrue(Files.isRegularFile(target.resolve("dw/c/d/e/bar")));
        assertFalse(Files.exists(target.resolve("dw/c/d/foo")));
        run(CopyRequest.copy(from, List.of("/test/a/b/c*/./d/**/baz", "/test/a/b*/./c/**/bar"), "/di/", "/")
                .withParents(true));
        assertTrue(Files.isRegularFile(target.resolve("di/d/e/baz")));
        assertFalse(Files.exists(target.resolve("di/d/e/bay")));
        assertTrue(Files.isRegularFile(target.resolve("di/d/e2/baz")));
        assertTrue(Files.isRegularFile(target.resolve("di/c/d/e/bar")));
    }

    @Test
    void copy_parentsMissingPath_fails() throws Exception {
        Path stage = parentsStage();
        BuildException e = assertThrows(BuildException.class, () -> copier.copy(CopyRequest.copy(
                CopySource.rootfs(stage), List.of("/test/nonexistent-file"), "/out/", "/").withParents(true), target));
        assertTrue(e.getMessage().contains("\"/test/nonexistent-file\": not found"), e.getMessage());
    }

    @Test
    void copy_parentsWildcardWithoutMatch_createsOnlyDest() throws Exception {
        Path stage = parentsStage();
        run(CopyRequest.copy(CopySource.rootfs(stage), List.of("/test/a/b/./c3*"), "/out/", "/").withParents(true));
        assertTrue(Files.isDirectory(target.resolve("out")));
        assertEquals(List.of(), list(target.resolve("out")));
    }

    private Path parentsStage() throws IOException {
        Path stage = Files.createDirectories(tmp.resolve("stage"));
        for (String d : List.of("a/b/c/d/e", "a/b2/c/d/e", "a/b/c2/d/e", "a/b/c2/d/e2")) {
            Files.createDirectories(stage.resolve("test").resolve(d));
        }
        for (String f : List.of("a/b/c/d/foo", "a/b/c/d/e/bay", "a/b2/c/d/e/bar", "a/b/c2/d/e/baz",
                "a/b/c2/d/e2/baz")) {
            write(stage.resolve("test").resolve(f), "");
        }
        return stage;
    }

    // ---- --exclude

    @Test
    void copy_exclude_skipsMatchingPathsBelowEachSource() throws Exception {
        write(context.resolve("dir/a.png"), "p");
        write(context.resolve("dir/b.txt"), "t");
        write(context.resolve("dir/sub/c.png"), "p");
        write(context.resolve("top.png"), "p");
        run(copyOf("/1", ".").withExcludes(List.of("*/*.png")));
        assertTrue(Files.exists(target.resolve("1/top.png")));
        assertFalse(Files.exists(target.resolve("1/dir/a.png")));
        assertTrue(Files.exists(target.resolve("1/dir/b.txt")));
        assertTrue(Files.exists(target.resolve("1/dir/sub/c.png")));
        run(copyOf("/2/", "dir*").withExcludes(List.of("*.png")));
        assertEquals(List.of("b.txt", "sub"), list(target.resolve("2")));
        assertTrue(Files.exists(target.resolve("2/sub/c.png")));
    }

    @Test
    void copy_excludeEverything_leavesEmptyDest() throws Exception {
        write(context.resolve("dir/a"), "a");
        run(copyOf("/6", "dir*").withExcludes(List.of("*")));
        assertEquals(List.of(), list(target.resolve("6")));
    }

    @Test
    void copy_excludeWithException_reincludes() throws Exception {
        write(context.resolve("dir/a.txt"), "a");
        write(context.resolve("dir/b.txt"), "b");
        write(context.resolve("dir/sub/c.txt"), "c");
        run(copyOf("/out", "dir").withExcludes(List.of("*.txt", "sub", "!b.txt", "!sub/c.txt")));
        assertEquals(List.of("b.txt", "sub"), list(target.resolve("out")));
        assertEquals(List.of("c.txt"), list(target.resolve("out/sub")));
    }

    // ---- heredocs

    @Test
    void copy_heredoc_writesFile0644OwnedByRoot() throws Exception {
        run(copyOf("/etc/").withInline(List.of(new SourceContent("greeting", "hello\n", false))));
        Path f = target.resolve("etc/greeting");
        assertEquals("hello\n", read(f));
        assertEquals(0644, mode(f));
        assertEquals("0:0", owner(f));
    }

    @Test
    void copy_heredocToFileName_writesDest() throws Exception {
        run(copyOf("/app/run.sh").withInline(List.of(new SourceContent("EOF", "#!/bin/sh\n", false)))
                .withChmod(Chmod.parse("755")));
        assertEquals("#!/bin/sh\n", read(target.resolve("app/run.sh")));
        assertEquals(0755, mode(target.resolve("app/run.sh")));
    }

    @Test
    void copy_heredocWithChown_owned() throws Exception {
        assumeTrue(isRoot());
        run(copyOf("/x/").withInline(List.of(new SourceContent("f", "", false))).withChown(7, 8));
        assertEquals("7:8", owner(target.resolve("x/f")));
        assertEquals("7:8", owner(target.resolve("x")));
    }

    // ---- misc

    @Test
    void copy_url_rejectedForCopy() throws Exception {
        BuildException e = fails(copyOf("/", "http://127.0.0.1:1/file"));
        assertTrue(e.getMessage().contains("source can't be a URL for COPY"), e.getMessage());
    }

    @Test
    void copy_gitRef_rejectedForCopy() throws Exception {
        BuildException e = fails(copyOf("/", "https://example.com/repo.git#main"));
        assertTrue(e.getMessage().contains("source can't be a git ref for COPY"), e.getMessage());
    }

    @Test
    void copy_localTar_notExtractedByCopy() throws Exception {
        Path tar = ArchiveFixtures.tar(tmp.resolve("a.tar"), Map.of("inside.txt", "x"));
        Files.copy(tar, context.resolve("a.tar"));
        run(copyOf("/out/", "a.tar"));
        assertTrue(Files.isRegularFile(target.resolve("out/a.tar")));
        assertFalse(Files.exists(target.resolve("out/inside.txt")));
    }

    @Test
    void copy_checksumOutsideRemoteAdd_rejectedAsBuildKit() throws Exception {
        write(context.resolve("f"), "x");
        assertEquals("checksum can't be specified for COPY",
                fails(copyOf("/", "f").withChecksum("sha256:" + "0".repeat(64))).getMessage());
        assertEquals("checksum requires HTTP(S) or Git sources",
                fails(addOf("/", "f").withChecksum("sha256:" + "0".repeat(64))).getMessage());
        assertEquals("checksum can't be specified for multiple sources",
                fails(addOf("/", "http://127.0.0.1:1/a", "http://127.0.0.1:1/b").withChecksum("sha256:00"))
                        .getMessage());
    }

    @Test
    void copy_directoryOntoExistingFileDest_fails() throws Exception {
        write(context.resolve("dir/a"), "a");
        write(target.resolve("existing"), "file");
        BuildException e = fails(copyOf("/existing", "dir"));
        assertTrue(e.getMessage().contains("cannot copy to non-directory: /existing"), e.getMessage());
    }

    @Test
    void copy_destParentIsFile_fails() throws Exception {
        write(context.resolve("f"), "a");
        write(target.resolve("file"), "file");
        BuildException e = fails(copyOf("/file/sub/", "f"));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void copy_interrupted_throwsInterruptedException() throws Exception {
        for (int i = 0; i < 5; i++) {
            write(context.resolve("dir/f" + i), "x");
        }
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> copier.copy(copyOf("/out", "dir"), target));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void copy_sameSourcesTwice_overwriteCleanly() throws Exception {
        write(context.resolve("sub/dir1/dir2/foo"), "foo-contents", 0600);
        write(context.resolve("files/foo.go"), "foo.go-contents", 0600);
        for (int i = 0; i < 2; i++) {
            run(copyOf("sub", "sub"));
            run(copyOf("dest/foo.go", "files/foo.go"));
        }
        run(copyOf("dest", "files"));
        assertEquals("foo-contents", read(target.resolve("sub/dir1/dir2/foo")));
        assertEquals("foo.go-contents", read(target.resolve("dest/foo.go")));
    }

    @Test
    void copy_relativeDestinations_followWorkdir() throws Exception {
        write(context.resolve("foo"), "hello");
        CopySource ctx = CopySource.context(context, null);
        run(CopyRequest.copy(ctx, List.of("foo"), "./", "/test1/test2"));
        run(CopyRequest.copy(ctx, List.of("foo"), "./bar/baz2", "/test1/test2"));
        run(CopyRequest.copy(ctx, List.of("foo"), "../", "/test5/test6"));
        run(CopyRequest.copy(ctx, List.of("."), ".", "/test4"));
        assertEquals("hello", read(target.resolve("test1/test2/foo")));
        assertEquals("hello", read(target.resolve("test1/test2/bar/baz2")));
        assertEquals("hello", read(target.resolve("test5/foo")));
        assertEquals("hello", read(target.resolve("test4/foo")));
    }

    @Test
    void copy_unicodePath_copied() throws Exception {
        write(context.resolve("\u0444\u0430\u0439\u043b.txt"), "unicode");
        run(copyOf("/\u0434\u0438\u0440/", "\u0444\u0430\u0439\u043b.txt"));
        assertEquals("unicode", read(target.resolve("\u0434\u0438\u0440/\u0444\u0430\u0439\u043b.txt")));
    }

    // ---- ADD: local archives

    @Test
    void add_localTar_extractedIntoDest() throws Exception {
        ArchiveFixtures.tar(context.resolve("a.tar"), Map.of("dir/", "", "dir/inside.txt", "x", "top.txt", "t"));
        run(addOf("/out", "a.tar"));
        assertEquals("x", read(target.resolve("out/dir/inside.txt")));
        assertEquals("t", read(target.resolve("out/top.txt")));
        assertFalse(Files.exists(target.resolve("out/a.tar")));
        if (isRoot()) {
            assertEquals("1000:1000", owner(target.resolve("out/top.txt")));
        }
        assertEquals(FileTime.fromMillis(1_600_000_000_000L), Files.getLastModifiedTime(target.resolve("out/top.txt")));
    }

    @Test
    void add_compressedTars_extractedWhateverTheCompression() throws Exception {
        for (String compression : List.of("gzip", "bzip2", "xz", "zstd")) {
            ArchiveFixtures.compressed(context.resolve("a." + compression), compression,
                    Map.of("f-" + compression, compression));
            run(addOf("/out/", "a." + compression));
            assertEquals(compression, read(target.resolve("out/f-" + compression)), compression);
        }
    }

    @Test
    void add_archiveMatchedByWildcard_extracted() throws Exception {
        ArchiveFixtures.tar(context.resolve("one.tar"), Map.of("1", "1"));
        ArchiveFixtures.compressed(context.resolve("two.tar.gz"), "gzip", Map.of("2", "2"));
        run(addOf("/out", "*.tar*"));
        assertEquals(List.of("1", "2"), list(target.resolve("out")));
    }

    @Test
    void add_archiveWithChown_ownsEveryEntry() throws Exception {
        assumeTrue(isRoot());
        ArchiveFixtures.tar(context.resolve("a.tar"), Map.of("d/", "", "d/f", "x"));
        run(addOf("/out", "a.tar").withChown(42, 43));
        assertEquals("42:43", owner(target.resolve("out")));
        assertEquals("42:43", owner(target.resolve("out/d")));
        assertEquals("42:43", owner(target.resolve("out/d/f")));
    }

    @Test
    void add_archiveMergesIntoExistingDirectory() throws Exception {
        write(target.resolve("out/old"), "old");
        ArchiveFixtures.tar(context.resolve("a.tar"), Map.of("new", "new"));
        run(addOf("/out/", "a.tar"));
        assertEquals(List.of("new", "old"), list(target.resolve("out")));
    }

    @Test
    void add_hostileArchive_cannotWriteOutsideDest() throws Exception {
        Path tar = context.resolve("evil.tar");
        try (var out = Files.newOutputStream(tar);
             var t = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("../../escape.txt");
            e.setSize(1);
            t.putArchiveEntry(e);
            t.write('x');
            t.closeArchiveEntry();
        }
        BuildException e = fails(addOf("/out/", "evil.tar"));
        assertTrue(e.getMessage().contains("escape.txt"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("escape.txt")));
        assertFalse(Files.exists(target.resolve("escape.txt")));
    }

    @Test
    void add_fileThatIsNoArchive_copiedAsFile() throws Exception {
        write(context.resolve("fake.tar.gz"), "not an archive at all");
        Files.write(context.resolve("garbage.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        run(addOf("/out/", "fake.tar.gz", "garbage.gz"));
        assertEquals("not an archive at all", read(target.resolve("out/fake.tar.gz")));
        assertTrue(Files.isRegularFile(target.resolve("out/garbage.gz")));
    }

    @Test
    void add_unpackFalse_copiesArchiveAsFile() throws Exception {
        ArchiveFixtures.tar(context.resolve("a.tar"), Map.of("inside", "x"));
        run(addOf("/out/", "a.tar").withUnpack(false));
        assertEquals(List.of("a.tar"), list(target.resolve("out")));
    }

    @Test
    void add_archiveInsideCopiedDirectory_notExtracted() throws Exception {
        ArchiveFixtures.tar(context.resolve("dir/a.tar"), Map.of("inside", "x"));
        run(addOf("/out", "dir"));
        assertEquals(List.of("a.tar"), list(target.resolve("out")));
    }

    @Test
    void add_archiveThroughAbsoluteSymlinkInTarget_followedInsideTarget() throws Exception {
        Path rootfs = context.resolve("rootfs.tar");
        try (var out = Files.newOutputStream(rootfs);
             var t = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            tarDir(t, "run/");
            tarDir(t, "var/");
            var link = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("var/run",
                    org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
            link.setLinkName("/run");
            t.putArchiveEntry(link);
            t.closeArchiveEntry();
        }
        Path payload = context.resolve("payload.tar");
        byte[] head = "ref: refs/heads/main\n".getBytes(StandardCharsets.UTF_8);
        try (var out = Files.newOutputStream(payload);
             var t = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            tarDir(t, "var/run/act/");
            tarDir(t, "var/run/act/.git/");
            var file = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("var/run/act/.git/HEAD");
            file.setSize(head.length);
            t.putArchiveEntry(file);
            t.write(head);
            t.closeArchiveEntry();
            var hard = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("var/run/act/.git/HEAD.link",
                    org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK);
            hard.setLinkName("var/run/act/.git/HEAD");
            t.putArchiveEntry(hard);
            t.closeArchiveEntry();
        }
        run(addOf("/", "rootfs.tar"));
        run(addOf("/", "payload.tar"));
        assertEquals("ref: refs/heads/main\n", read(target.resolve("run/act/.git/HEAD")));
        assertEquals(Files.getAttribute(target.resolve("run/act/.git/HEAD"), "unix:ino"),
                Files.getAttribute(target.resolve("run/act/.git/HEAD.link"), "unix:ino"));
        assertTrue(Files.isSymbolicLink(target.resolve("var/run")));
    }

    @Test
    void add_archiveWithImpliedParentDirectories_extracted() throws Exception {
        ArchiveFixtures.compressed(context.resolve("t.tar.gz"), "gzip", Map.of("etc/dnf/dnf.conf", "content0"));
        run(addOf("/", "t.tar.gz"));
        assertEquals("content0", read(target.resolve("etc/dnf/dnf.conf")));
    }

    private static void tarDir(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream t, String name)
            throws IOException {
        var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name,
                org.apache.commons.compress.archivers.tar.TarConstants.LF_DIR);
        e.setMode(040755);
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
    }

    @Test
    void add_archiveWithWhiteoutNames_extractsThemLiterallyAsDocker() throws Exception {
        write(target.resolve("out/foo"), "existing");
        write(target.resolve("out/bar/kept"), "kept");
        ArchiveFixtures.tar(context.resolve("layer.tar"), Map.of(".wh.foo", "", "bar/.wh..wh..opq", "",
                ".wh.dir/", "", ".wh.dir/inner", "inner", "plain", "p"));
        run(addOf("/out/", "layer.tar"));
        assertEquals("existing", read(target.resolve("out/foo")));
        assertEquals("kept", read(target.resolve("out/bar/kept")));
        assertTrue(Files.isRegularFile(target.resolve("out/.wh.foo")));
        assertTrue(Files.isRegularFile(target.resolve("out/bar/.wh..wh..opq")));
        assertEquals("inner", read(target.resolve("out/.wh.dir/inner")));
        assertEquals("p", read(target.resolve("out/plain")));
        assertEquals(List.of(".wh.dir", ".wh.foo", "bar", "foo", "plain"), list(target.resolve("out")));
    }

    // ---- ADD: URLs

    @Test
    void add_url_savedAsDestFile0600WithLastModified() throws Exception {
        try (TestServer server = TestServer.serving("/files/data.bin", "payload", "Wed, 21 Oct 2015 07:28:00 GMT")) {
            run(addOf("/downloaded", server.url("/files/data.bin")));
        }
        Path f = target.resolve("downloaded");
        assertEquals("payload", read(f));
        assertEquals(0600, mode(f));
        assertEquals("0:0", owner(f));
        assertEquals(java.time.Instant.parse("2015-10-21T07:28:00Z"), Files.getLastModifiedTime(f).toInstant());
    }

    @Test
    void add_urlToDestWithSlash_namedAfterUrlPath() throws Exception {
        try (TestServer server = TestServer.serving("/files/data.bin", "payload", null)) {
            run(addOf("/dl/", server.url("/files/data.bin?x=1")));
        }
        assertEquals("payload", read(target.resolve("dl/data.bin")));
    }

    @Test
    void add_urlWithoutPath_namedUnnamed() throws Exception {
        try (TestServer server = TestServer.serving("/", "root", null)) {
            run(addOf("/dl/", server.url("/")));
        }
        assertEquals("root", read(target.resolve("dl/__unnamed__")));
    }

    @Test
    void add_urlWithChownAndChmod_applied() throws Exception {
        assumeTrue(isRoot());
        try (TestServer server = TestServer.serving("/f", "x", null)) {
            run(addOf("/f", server.url("/f")).withChown(5, 6).withChmod(Chmod.parse("0755")));
        }
        assertEquals("5:6", owner(target.resolve("f")));
        assertEquals(0755, mode(target.resolve("f")));
    }

    @Test
    void add_urlChecksumMatching_accepted() throws Exception {
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("payload".getBytes(StandardCharsets.UTF_8)));
        try (TestServer server = TestServer.serving("/p", "payload", null)) {
            run(addOf("/p", server.url("/p")).withChecksum("sha256:" + sha));
        }
        assertEquals("payload", read(target.resolve("p")));
    }

    @Test
    void add_urlChecksumMismatch_failsNamingBoth() throws Exception {
        String wrong = "sha256:" + "0".repeat(64);
        BuildException e;
        try (TestServer server = TestServer.serving("/p", "payload", null)) {
            e = fails(addOf("/p", server.url("/p")).withChecksum(wrong));
        }
        assertTrue(e.getMessage().contains("checksum mismatch: expected " + wrong + ", got sha256:239f59ed"),
                e.getMessage());
        assertFalse(Files.exists(target.resolve("p")));
    }

    @Test
    void add_urlNotFound_fails() throws Exception {
        BuildException e;
        try (TestServer server = TestServer.serving("/p", "payload", null)) {
            e = fails(addOf("/p", server.url("/missing")));
        }
        assertTrue(e.getMessage().contains("invalid response status 404"), e.getMessage());
    }

    @Test
    void add_urlArchive_notExtractedUnlessUnpack() throws Exception {
        Path tar = ArchiveFixtures.tar(tmp.resolve("served.tar"), Map.of("inside", "x"));
        byte[] bytes = Files.readAllBytes(tar);
        try (TestServer server = TestServer.serving("/a.tar", bytes, null)) {
            run(addOf("/plain/", server.url("/a.tar")));
            run(addOf("/unpacked/", server.url("/a.tar")).withUnpack(true));
        }
        assertEquals(List.of("a.tar"), list(target.resolve("plain")));
        assertEquals(List.of("inside"), list(target.resolve("unpacked")));
    }

    // ---- ADD: git

    @Test
    void add_git_clonesDefaultBranchWithoutGitDir() throws Exception {
        Path served = gitRepository();
        try (TestServer server = TestServer.directory(served)) {
            run(addOf("/src", server.url("/repo.git")));
        }
        assertEquals("v2", read(target.resolve("src/README")));
        assertEquals("sub", read(target.resolve("src/docs/guide.md")));
        assertFalse(Files.exists(target.resolve("src/.git")));
        assertEquals("0:0", owner(target.resolve("src/README")));
    }

    @Test
    void add_gitTagAndSubdir_copiesThatSubdirAtThatTag() throws Exception {
        Path served = gitRepository();
        try (TestServer server = TestServer.directory(served)) {
            run(addOf("/v1/", server.url("/repo.git#v1")));
            run(addOf("/docs", server.url("/repo.git#v1:docs")));
        }
        assertEquals("v1", read(target.resolve("v1/README")));
        assertEquals(List.of("guide.md"), list(target.resolve("docs")));
    }

    @Test
    void add_gitKeepGitDir_keepsIt() throws Exception {
        Path served = gitRepository();
        try (TestServer server = TestServer.directory(served)) {
            run(addOf("/src", server.url("/repo.git")).withKeepGitDir(true));
        }
        assertTrue(Files.isDirectory(target.resolve("src/.git")));
    }

    @Test
    void add_gitChecksumMismatch_fails() throws Exception {
        Path served = gitRepository();
        BuildException e;
        try (TestServer server = TestServer.directory(served)) {
            e = fails(addOf("/src", server.url("/repo.git#v1")).withChecksum("0123456789abcdef"));
        }
        assertTrue(e.getMessage().contains("expected checksum to match 0123456789abcdef"), e.getMessage());
    }

    @Test
    void add_gitUnknownRef_fails() throws Exception {
        Path served = gitRepository();
        BuildException e;
        try (TestServer server = TestServer.directory(served)) {
            e = fails(addOf("/src", server.url("/repo.git#nope")));
        }
        assertTrue(e.getMessage().contains("ref \"nope\" not found"), e.getMessage());
    }

    /** A repository with tag v1 (README "v1") and the default branch one commit later (README "v2"), as a bare dumb-http repo. */
    private Path gitRepository() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("gitwork"));
        write(work.resolve("README"), "v1");
        write(work.resolve("docs/guide.md"), "sub");
        git(work, "init", "-q", "-b", "main");
        git(work, "add", ".");
        git(work, "commit", "-q", "-m", "one");
        git(work, "tag", "v1");
        write(work.resolve("README"), "v2");
        git(work, "commit", "-q", "-am", "two");
        Path served = Files.createDirectories(tmp.resolve("served"));
        git(tmp, "clone", "-q", "--bare", work.toString(), served.resolve("repo.git").toString());
        git(served.resolve("repo.git"), "update-server-info");
        return served;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t",
                "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "git " + String.join(" ", args) + ": " + out);
    }

    CopyRequest addOf(String dest, String... sources) {
        return CopyRequest.add(CopySource.context(context, null), List.of(sources), dest, "/");
    }

    /** A one-path or static-directory HTTP server on 127.0.0.1, stopped on close. */
    static final class TestServer implements AutoCloseable {
        final com.sun.net.httpserver.HttpServer server;

        private TestServer(com.sun.net.httpserver.HttpServer server) {
            this.server = server;
            server.start();
        }

        static TestServer serving(String path, String body, String lastModified) throws IOException {
            return serving(path, body.getBytes(StandardCharsets.UTF_8), lastModified);
        }

        static TestServer serving(String path, byte[] body, String lastModified) throws IOException {
            var server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    if (!exchange.getRequestURI().getPath().equals(path)) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    if (lastModified != null) {
                        exchange.getResponseHeaders().add("Last-Modified", lastModified);
                    }
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            return new TestServer(server);
        }

        static TestServer directory(Path root) throws IOException {
            var server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
                    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    byte[] body = Files.readAllBytes(file);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            return new TestServer(server);
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
