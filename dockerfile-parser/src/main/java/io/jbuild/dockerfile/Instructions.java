package io.jbuild.dockerfile;

/** Small shared pieces of the instruction pass. */
final class Instructions {
    private Instructions() {
    }

    /** An error without location; the pass that knows the instruction places it. */
    static DockerfileException error(String reason) {
        return new DockerfileException(null, 0, 0, reason);
    }

    /** Removes the leading tabs of every line, as {@code <<-} asks. */
    static String chomp(String content) {
        StringBuilder sb = new StringBuilder(content.length());
        boolean lineStart = true;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (lineStart && c == '\t') {
                continue;
            }
            lineStart = c == '\n';
            sb.append(c);
        }
        return sb.toString();
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
