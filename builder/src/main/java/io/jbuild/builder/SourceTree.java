package io.jbuild.builder;

import io.jbuild.dockerfile.GoGlob;
import io.jbuild.dockerfile.PatternMatcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A source root as COPY sees it: {@code .dockerignore}d entries do not exist (except directories
 * that an exception pattern brings something back in), and wildcards are resolved as fsutil's
 * {@code ResolveWildcards} does.
 */
final class SourceTree {
    private final Path root;
    private final PatternMatcher ignore;

    SourceTree(Path root, PatternMatcher ignore) {
        this.root = root;
        this.ignore = ignore == null || ignore.isEmpty() ? null : ignore;
    }

    PatternMatcher ignore() {
        return ignore;
    }

    /** Whether {@code path} (resolved inside the root) exists and is not ignored. */
    boolean visible(Path path) throws IOException {
        if (!RootPaths.exists(path)) {
            return false;
        }
        if (ignore == null || !path.startsWith(root)) {
            return true;
        }
        String rel = RootPaths.relative(root, path);
        if (rel.isEmpty() || !ignore.matchesOrParentMatches(rel)) {
            return true;
        }
        // an ignored directory still arrives when an exception pattern brings back something inside it
        return ignore.hasExclusions() && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                && hasVisibleDescendant(path);
    }

    private boolean hasVisibleDescendant(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path child : entries) {
                if (!ignore.matchesOrParentMatches(RootPaths.relative(root, child))) {
                    return true;
                }
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && hasVisibleDescendant(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The source's matches, slash-separated and absolute within the root, in lexical order: the
     * source itself when it has no wildcard (an error when it does not exist), else the entries
     * matching its wildcard part below the non-wildcard prefix (symlinks in the prefix followed).
     */
    List<String> resolveWildcards(String src) throws IOException {
        List<String> parts = RootPaths.components(src);
        int first = 0;
        while (first < parts.size() && !FileCopier.containsWildcards(parts.get(first))) {
            first++;
        }
        String prefix = "/" + String.join("/", parts.subList(0, first));
        if (first == parts.size()) {
            if (!visible(RootPaths.resolve(root, prefix, true))) {
                throw FileCopier.notFound(prefix);
            }
            return List.of(prefix);
        }
        String pattern = String.join("/", parts.subList(first, parts.size()));
        Path base = RootPaths.resolve(root, prefix, true);
        if (!visible(base)) {
            throw FileCopier.notFound(prefix);
        }
        List<String> matches = new ArrayList<>();
        if (Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            walk(base, "", pattern, parts.size() - first, prefix, matches);
        }
        return matches;
    }

    private void walk(Path dir, String rel, String pattern, int depth, String prefix, List<String> out)
            throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path child : entries) {
                children.add(child);
            }
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path child : children) {
            if (!visible(child)) {
                continue;
            }
            String name = child.getFileName().toString();
            String childRel = rel.isEmpty() ? name : rel + "/" + name;
            boolean match;
            try {
                match = GoGlob.match(pattern, childRel);
            } catch (GoGlob.BadPatternException e) {
                match = false; // fsutil ignores filepath.Match's error: a malformed pattern matches nothing
            }
            if (match) {
                out.add(prefix.equals("/") ? "/" + childRel : prefix + "/" + childRel);
            } else if (depth > 1 && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                walk(child, childRel, pattern, depth - 1, prefix, out);
            }
        }
    }
}
