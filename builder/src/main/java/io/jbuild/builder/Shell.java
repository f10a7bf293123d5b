package io.jbuild.builder;

/** Quoting for the POSIX shell scripts the runtimes run on the host. */
final class Shell {
    private Shell() {
    }

    /** {@code s} as one single-quoted shell word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
