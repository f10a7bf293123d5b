package io.jbuild.builder;

import io.jbuild.dockerfile.DockerfileException;
import io.jbuild.dockerfile.PatternMatcher;
import io.jbuild.dockerfile.SourceContent;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Performs COPY and ADD as BuildKit's Dockerfile frontend and file operation do: sources are
 * resolved inside their root ({@code ..} stops there, symlinks are followed only inside it, the
 * source itself is followed when it is a link), wildcards are Go {@code filepath.Match} patterns
 * (matching nothing is no error, a missing plain source is), a directory source copies its
 * contents, {@code .dockerignore}d files do not exist, the destination is resolved inside the
 * target root (missing directories created 0755), and each source is copied with {@link TreeCopier}.
 * ADD also unpacks local tar archives (plain, gzip, bzip2, xz, zstd), downloads http(s) URLs and
 * clones git repositories.
 *
 * <p>Where the classic builder and BuildKit differ, this follows BuildKit: {@code ../} in a source
 * is clamped at the root rather than an error, several sources onto a destination without a
 * trailing slash are copied in turn onto the same path (no "must end with a /" error), and a
 * wildcard that matches nothing copies nothing. Each source is one copy operation, so hardlinks
 * are kept within a source (all its wildcard matches), not across sources.
 */
final class FileCopier {
    private final HttpClient http;

    /** @param http the client ADD fetches URLs with */
    FileCopier(HttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
    }

    /** Performs the copy into {@code targetRoot} (the step's overlay merged dir, or an empty dir for COPY --link). */
    void copy(CopyRequest request, Path targetRoot) throws BuildException, InterruptedException {
        try {
            run(request, targetRoot);
        } catch (BuildException e) {
            if (e.getCause() instanceof TreeCopier.Interrupted) {
                InterruptedException interrupted = new InterruptedException("copy interrupted");
                interrupted.initCause(e);
                throw interrupted;
            }
            throw e;
        }
    }

    private void run(CopyRequest request, Path targetRoot) throws BuildException, InterruptedException {
        Path target;
        try {
            target = targetRoot.toRealPath();
        } catch (IOException e) {
            throw new BuildException("copy into " + targetRoot + ": " + e.getMessage(), e);
        }
        Destination dest = Destination.of(request);
        checkChecksum(request);
        for (String src : request.sources()) {
            if (RemoteSources.isGit(src)) {
                requireAdd(request, src, "a git ref");
                new GitFetcher().fetch(request, src, dest, target);
            } else if (RemoteSources.isHttp(src)) {
                requireAdd(request, src, "a URL");
                new UrlFetcher(http).fetch(request, src, dest, target);
            } else {
                copyLocal(request, src, dest, target);
            }
        }
        for (SourceContent content : request.inline()) {
            copyInline(request, content, dest, target);
        }
    }

    /** {@code --checksum} is for one remote ADD source (BuildKit's dispatchCopy checks). */
    private static void checkChecksum(CopyRequest request) throws BuildException {
        if (request.checksum() == null) {
            return;
        }
        if (!request.add()) {
            throw new BuildException("checksum can't be specified for COPY");
        }
        if (request.sources().size() != 1 || !request.inline().isEmpty()) {
            throw new BuildException("checksum can't be specified for multiple sources");
        }
        String src = request.sources().get(0);
        if (!RemoteSources.isHttp(src) && !RemoteSources.isGit(src)) {
            throw new BuildException("checksum requires HTTP(S) or Git sources");
        }
    }

    private static void requireAdd(CopyRequest request, String src, String what) throws BuildException {
        if (!request.add()) {
            throw new BuildException("copy " + src + ": source can't be " + what + " for COPY");
        }
    }

    /** The destination path, absolute and clean, and whether it was written as a directory. */
    record Destination(String path, boolean directory) {
        static Destination of(CopyRequest request) {
            String d = request.dest();
            String full;
            boolean dir;
            if (d.startsWith("/")) {
                full = d;
                dir = d.endsWith("/") || d.endsWith("/.");
            } else {
                if (d.isEmpty() || d.equals(".")) {
                    d = "./";
                }
                full = request.workdir() + "/" + d;
                dir = d.endsWith("/") || d.endsWith("/.");
            }
            return new Destination(RootPaths.cleanAbsolute(full), dir);
        }

        /** The path the copy's missing directories are created up to: the destination itself when a directory, else its parent. */
        String ensuredDir() {
            if (directory || path.equals("/")) {
                return path;
            }
            return path.substring(0, Math.max(1, path.lastIndexOf('/')));
        }

        /** The destination as written, for messages. */
        @Override
        public String toString() {
            return directory && !path.equals("/") ? path + "/" : path;
        }
    }

    /**
     * Prepares the destination as BuildKit's copy does before each source: creates the missing
     * directories (0755 or the octal --chmod, chowned) and resolves it, last link included, inside
     * the target root.
     */
    static Path prepareDestination(CopyRequest request, Destination dest, Path target) throws IOException {
        Path ensured = RootPaths.resolve(target, dest.ensuredDir(), true);
        int mode = request.chmod() != null && request.chmod().octal() != null ? request.chmod().octal() & 0777 : 0755;
        TreeCopier.mkdirAll(ensured, mode, request.uid(), request.gid());
        return RootPaths.resolve(target, dest.path(), true);
    }

    private void copyLocal(CopyRequest request, String written, Destination dest, Path target)
            throws BuildException {
        Path root;
        try {
            root = request.source().root().toRealPath();
        } catch (IOException e) {
            throw new BuildException("copy " + written + ": source root " + request.source().root() + ": "
                    + e.getMessage(), e);
        }
        SourceTree tree = new SourceTree(root, request.source().ignore());
        String src = written;
        PatternMatcher includes = null;
        String required = null;
        if (request.parents()) {
            int pivot = src.indexOf("/./");
            String pattern;
            if (pivot < 0) {
                pattern = src;
                src = "/";
            } else {
                pattern = src.substring(pivot + 3);
                src = src.substring(0, pivot);
            }
            pattern = RootPaths.cleanAbsolute(pattern).substring(1);
            includes = matcher(List.of(pattern), written);
            if (!containsWildcards(src) && !containsWildcards(pattern)) {
                required = RootPaths.cleanAbsolute(src + "/" + pattern);
            }
        }
        src = RootPaths.cleanAbsolute(src);
        PatternMatcher excludes = request.excludes().isEmpty() ? null : matcher(request.excludes(), written);
        boolean unpack = request.unpack() != null ? request.unpack() : request.add();
        try {
            List<String> matches = tree.resolveWildcards(src);
            if (required != null && !tree.visible(RootPaths.resolve(root, required, true))) {
                throw notFound(required);
            }
            if (matches.isEmpty()) {
                return;
            }
            TreeCopier copier = new TreeCopier(root, tree.ignore(), includes, excludes, request.uid(), request.gid(),
                    request.source().context(), request.chmod());
            for (String match : matches) {
                Path followed = RootPaths.resolve(root, match, true);
                if (!tree.visible(followed)) {
                    throw notFound(match);
                }
                if (unpack && Archives.isArchive(followed)) {
                    Archives.unpack(followed, request, dest, target);
                    continue;
                }
                Path destPath = prepareDestination(request, dest, target);
                copier.copy(followed, baseName(match), destPath, true);
            }
        } catch (NotFound e) {
            throw notFoundException(e.path);
        } catch (IOException e) {
            throw new BuildException("copy " + written + " to " + dest + ": " + strip(e.getMessage(), root, target), e);
        }
    }

    private static void copyInline(CopyRequest request, SourceContent content, Destination dest, Path target)
            throws BuildException {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("jbuild-heredoc");
            String name = baseName(RootPaths.cleanAbsolute(content.path()));
            Path file = tmp.resolve(name.isEmpty() ? "__unnamed__" : name);
            Files.writeString(file, content.data(), StandardCharsets.UTF_8);
            PosixFiles.chmod(file, 0644);
            Path destPath = prepareDestination(request, dest, target);
            new TreeCopier(tmp, null, null, null, request.uid(), request.gid(), true, request.chmod())
                    .copy(file, file.getFileName().toString(), destPath, false);
        } catch (IOException e) {
            throw new BuildException("copy <<" + content.path() + " to " + dest + ": "
                    + strip(e.getMessage(), target, target), e);
        } finally {
            StepMount.deleteQuietly(tmp);
        }
    }

    static BuildException notFoundException(String path) {
        return new BuildException("failed to compute cache key: " + quote(path) + ": not found");
    }

    static IOException notFound(String path) {
        return new NotFound(path);
    }

    /** A source that does not exist (or is ignored); turned into BuildKit's cache-key message. */
    static final class NotFound extends IOException {
        private static final long serialVersionUID = 1L;

        final String path;

        NotFound(String path) {
            super(quote(path) + ": not found");
            this.path = path;
        }
    }

    private static PatternMatcher matcher(List<String> patterns, String src) throws BuildException {
        try {
            return PatternMatcher.of(patterns);
        } catch (DockerfileException e) {
            throw new BuildException("copy " + src + ": " + e.getMessage(), e);
        }
    }

    static String baseName(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int i = p.lastIndexOf('/');
        return i < 0 ? p : p.substring(i + 1);
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Removes the host paths of the roots from a message: the user knows the paths inside them. */
    static String strip(String message, Path sourceRoot, Path target) {
        if (message == null) {
            return "unknown error";
        }
        String m = message.replace(target.toString() + "/", "/").replace(target.toString(), "/");
        if (!sourceRoot.equals(target)) {
            m = m.replace(sourceRoot.toString() + "/", "/").replace(sourceRoot.toString(), "/");
        }
        return m;
    }

    static boolean containsWildcards(String name) {
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == '\\') {
                i++;
            } else if (ch == '*' || ch == '?' || ch == '[') {
                return true;
            }
        }
        return false;
    }
}
