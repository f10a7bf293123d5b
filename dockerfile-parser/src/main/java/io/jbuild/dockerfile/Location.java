package io.jbuild.dockerfile;

/**
 * Where an instruction is in its Dockerfile.
 *
 * @param file the name used in messages (e.g. {@code Dockerfile})
 * @param startLine 1-based first line
 * @param endLine 1-based last line (heredoc bodies and continuations included)
 * @param column 1-based column of the keyword
 */
public record Location(String file, int startLine, int endLine, int column) {
    public Location {
        if (startLine < 0 || endLine < startLine || column < 0) {
            throw new IllegalArgumentException("bad location " + startLine + "-" + endLine + ":" + column);
        }
    }

    static Location of(String file, Node node) {
        return new Location(file, node.startLine(), Math.max(node.startLine(), node.endLine()), node.column());
    }

    /** The same error placed here unless it already has a line. */
    DockerfileException place(DockerfileException e) {
        return e.line() > 0 ? e : e.at(file, startLine, column);
    }

    @Override
    public String toString() {
        return file + ":" + startLine + ":" + column;
    }
}
