package io.jbuild.dockerfile;

/**
 * Pass 1: Dockerfile bytes to the plain AST ({@link Node}s), as BuildKit's parser does it:
 * parser directives, line continuations, comments, heredocs, JSON and shell forms.
 */
public final class DockerfileParser {
    private DockerfileParser() {
    }

    /**
     * Parses a whole Dockerfile.
     *
     * @param file the name used in error messages (e.g. {@code Dockerfile})
     * @param content the file's bytes (UTF-8; a BOM is ignored)
     */
    public static ParseResult parse(String file, byte[] content) throws DockerfileException {
        throw new DockerfileException(file, 0, 0, "parser not implemented yet");
    }
}
