package io.jbuild.builder;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ADD source classification and git ref parsing, cases from BuildKit's dfgitutil/git_ref_test.go. */
class RemoteSourcesTest {
    static Stream<Arguments> gitRefs() {
        return Stream.of(
                Arguments.of("https://example.com/foo.git", "https://example.com/foo.git", null, null),
                Arguments.of("https://example.com/foo.git#deadbeef", "https://example.com/foo.git", "deadbeef", null),
                Arguments.of("https://example.com/foo.git#release/1.2", "https://example.com/foo.git", "release/1.2",
                        null),
                Arguments.of("git://example.com/foo", "git://example.com/foo", null, null),
                Arguments.of("https://github.com/moby/buildkit.git", "https://github.com/moby/buildkit.git", null, null),
                Arguments.of("https://foo:bar@github.com/moby/buildkit.git",
                        "https://foo:bar@github.com/moby/buildkit.git", null, null),
                Arguments.of("git@github.com:moby/buildkit", "git@github.com:moby/buildkit", null, null),
                Arguments.of("git@github.com:moby/buildkit.git", "git@github.com:moby/buildkit.git", null, null),
                Arguments.of("git@bitbucket.org:atlassianlabs/atlassian-docker.git",
                        "git@bitbucket.org:atlassianlabs/atlassian-docker.git", null, null),
                Arguments.of("https://github.com/foo/bar.git#baz/qux:quux/quuz", "https://github.com/foo/bar.git",
                        "baz/qux", "quux/quuz"),
                Arguments.of("https://github.com/docker/docker.git#:myfolder", "https://github.com/docker/docker.git",
                        null, "myfolder"),
                Arguments.of("https://github.com/docker/docker.git?ref=v1.0.0&subdir=/subdir",
                        "https://github.com/docker/docker.git", "v1.0.0", "subdir"),
                Arguments.of("https://github.com/moby/buildkit.git?subdir=/subdir#v1.0.0",
                        "https://github.com/moby/buildkit.git", "v1.0.0", "subdir"),
                Arguments.of("https://github.com/moby/buildkit.git?tag=v1.0.0", "https://github.com/moby/buildkit.git",
                        "refs/tags/v1.0.0", null),
                Arguments.of("https://github.com/moby/buildkit.git?branch=v1.0", "https://github.com/moby/buildkit.git",
                        "refs/heads/v1.0", null),
                Arguments.of("git@github.com:moby/buildkit.git?subdir=/subdir#v1.0.0",
                        "git@github.com:moby/buildkit.git", "v1.0.0", "subdir"),
                Arguments.of("ssh://git@example.com/repo", "ssh://git@example.com/repo", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gitRefs")
    void parse_gitSource_givesRemoteRefAndSubdir(String src, String remote, String ref, String subdir)
            throws Exception {
        RemoteSources.GitRef parsed = RemoteSources.GitRef.parse(src);
        assertEquals(remote, parsed.remote());
        assertEquals(ref, parsed.ref());
        assertEquals(subdir, parsed.subdir());
        assertTrue(RemoteSources.isGit(src));
    }

    static Stream<String> notGit() {
        return Stream.of("https://example.com/", "https://example.com/foo", "https://example.com/foo.git/",
                "https://example.com/foo.git.bar", "github.com/moby/buildkit", "custom.xyz/moby/buildkit.git",
                "https://github.com/moby/buildkit", "http://github.com/docker/docker.git:#branch", "./.git", ".git",
                "file:///srv/repo.git", "foo/bar", "*.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notGit")
    void parse_otherSource_isNoGitRef(String src) throws Exception {
        assertNull(RemoteSources.GitRef.parse(src));
    }

    static Stream<String> invalid() {
        return Stream.of("https://github.com/moby/buildkit.git?ref=v1.0.0#v1.2.3|ref conflicts",
                "https://github.com/moby/buildkit.git?ref=v1.0.0&tag=v1.2.3|ref conflicts",
                "https://github.com/moby/buildkit.git?tag=v1.0.0&branch=v1.0|branch conflicts with tag",
                "https://github.com/moby/buildkit.git?mtime=invalid|invalid mtime value",
                "https://github.com/moby/buildkit.git?fetch-by-commit=invalid|invalid fetch-by-commit value",
                "https://github.com/moby/buildkit.git?invalid=123|unexpected query \"invalid\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void parse_invalidGitRef_fails(String srcAndError) {
        String[] parts = srcAndError.split("\\|");
        BuildException e = assertThrows(BuildException.class, () -> RemoteSources.GitRef.parse(parts[0]));
        assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
        assertTrue(RemoteSources.isGit(parts[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("httpSources")
    void isHttp_downloadUrl_true(String src) {
        assertTrue(RemoteSources.isHttp(src));
    }

    static Stream<String> httpSources() {
        return Stream.of("https://example.com/", "http://example.com/foo.tar.gz", "https://example.com/foo.git/");
    }
}
