package io.jbuild.dockerfile;

/** Small shared pieces of the instruction pass. */
final class Instructions {
    private Instructions() {
    }

    /** An error without location; the pass that knows the instruction places it. */
    static DockerfileException error(String reason) {
        return new DockerfileException(null, 0, 0, reason);
    }

    static String expandNullable(WordExpander expander, String word) throws DockerfileException {
        return word == null ? null : expander.expand(word);
    }

    static java.util.List<String> expandAll(WordExpander expander, java.util.List<String> words)
            throws DockerfileException {
        java.util.List<String> out = new java.util.ArrayList<>(words.size());
        for (String w : words) {
            out.add(expander.expand(w));
        }
        return out;
    }
}
