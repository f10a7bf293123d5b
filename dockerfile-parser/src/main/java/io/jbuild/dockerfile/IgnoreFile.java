package io.jbuild.dockerfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code .dockerignore} files as Docker does ({@code ignorefile.ReadAll}) and finds the one
 * that applies to a build: {@code <Dockerfile name>.dockerignore} beside the Dockerfile wins over
 * {@code .dockerignore} at the root of the context.
 */
public final class IgnoreFile {
    private static final int MAX_LINE = 64 * 1024;

    private IgnoreFile() {
    }

    /** One pattern and the 1-based line it came from. */
    public record Entry(int line, String pattern) {
    }

    /**
     * The patterns of a file: a UTF-8 BOM is dropped, lines starting with {@code #} are comments,
     * lines are trimmed and blank ones skipped, a leading {@code !} (with blanks after it) marks an
     * exception, the rest is cleaned like a path and loses a leading {@code /}.
     */
    public static List<String> read(byte[] content) throws DockerfileException {
        return readEntries(".dockerignore", content).stream().map(Entry::pattern).toList();
    }

    /** As {@link #read(byte[])}, keeping line numbers; {@code name} is used in error messages. */
    public static List<Entry> readEntries(String name, byte[] content) throws DockerfileException {
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Entry> out = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(start, end);
            start = nl < 0 ? text.length() : nl + 1;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            lineNo++;
            if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE) {
                throw new DockerfileException(name, lineNo, 0, "line longer than " + MAX_LINE + " bytes");
            }
            if (line.startsWith("#")) {
                continue;
            }
            String pattern = line.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            boolean invert = pattern.charAt(0) == '!';
            if (invert) {
                pattern = pattern.substring(1).strip();
            }
            if (!pattern.isEmpty()) {
                pattern = GoPaths.clean(pattern);
                if (pattern.length() > 1 && pattern.charAt(0) == '/') {
                    pattern = pattern.substring(1);
                }
            }
            if (invert) {
                pattern = "!" + pattern;
            }
            out.add(new Entry(lineNo, pattern));
        }
        return out;
    }

    /**
     * The ignore file for a build: {@code <dockerfile>.dockerignore} next to the Dockerfile when it
     * exists, else {@code <contextDir>/.dockerignore} when that exists.
     */
    public static Optional<Path> locate(Path contextDir, Path dockerfile) {
        if (dockerfile != null && dockerfile.getFileName() != null) {
            Path specific = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
            if (Files.isRegularFile(specific)) {
                return Optional.of(specific);
            }
        }
        Path common = contextDir.resolve(".dockerignore");
        return Files.isRegularFile(common) ? Optional.of(common) : Optional.empty();
    }

    /** The matcher for a build (an empty one when no ignore file applies). Errors name the file and line. */
    public static PatternMatcher load(Path contextDir, Path dockerfile) throws DockerfileException, IOException {
        return load(locate(contextDir, dockerfile));
    }

    /** The matcher of an ignore file found by {@link #locate} (an empty one for none, or one gone meanwhile). */
    public static PatternMatcher load(Optional<Path> file) throws DockerfileException, IOException {
        if (file.isEmpty()) {
            return PatternMatcher.empty();
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file.get());
        } catch (NoSuchFileException e) {
            return PatternMatcher.empty();
        }
        return matcher(file.get().toString(), content);
    }

    /** Builds the matcher of an ignore file's content; a bad pattern is reported with its line. */
    public static PatternMatcher matcher(String name, byte[] content) throws DockerfileException {
        List<Entry> entries = readEntries(name, content);
        for (Entry e : entries) {
            try {
                PatternMatcher.of(List.of(e.pattern()));
            } catch (DockerfileException bad) {
                throw new DockerfileException(name, e.line(), 0, bad.reason());
            }
        }
        return PatternMatcher.of(entries.stream().map(Entry::pattern).toList());
    }
}
