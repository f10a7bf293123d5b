package io.jbuild.dockerfile;

/**
 * The checked root of every error in this module. Carries the file, and the 1-based line and
 * column where the problem is (0 when unknown). {@link #getMessage()} reads
 * {@code Dockerfile:7:1: unknown instruction "RUNN" (did you mean RUN?)}; {@link #reason()} is
 * the message without the location.
 */
public class DockerfileException extends Exception {
    private final String file;
    private final int line;
    private final int column;
    private final String reason;

    public DockerfileException(String file, int line, int column, String reason) {
        this(file, line, column, reason, null);
    }

    public DockerfileException(String file, int line, int column, String reason, Throwable cause) {
        super(format(file, line, column, reason), cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    private static String format(String file, int line, int column, String reason) {
        StringBuilder sb = new StringBuilder();
        if (file != null && !file.isEmpty()) {
            sb.append(file);
            if (line > 0) {
                sb.append(':').append(line);
                if (column > 0) {
                    sb.append(':').append(column);
                }
            }
            sb.append(": ");
        } else if (line > 0) {
            sb.append("line ").append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
            sb.append(": ");
        }
        return sb.append(reason).toString();
    }

    /** The same error placed at a location (used by the passes that know where a node came from). */
    public DockerfileException at(String file, int line, int column) {
        return new DockerfileException(file, line, column, reason, this);
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the {@code file:line:col: } prefix. */
    public String reason() {
        return reason;
    }
}
