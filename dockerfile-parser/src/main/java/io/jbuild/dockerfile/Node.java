package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/**
 * One instruction of a Dockerfile as the parser saw it: the plain, untyped AST that
 * {@link InstructionParser} turns into typed {@link Instruction}s.
 *
 * <p>{@code args} are exactly the strings BuildKit's AST holds for the instruction (see
 * {@link #dump()}): the JSON array elements for the exec form, the single verbatim rest-of-line
 * for the shell form of RUN/CMD/ENTRYPOINT/SHELL, key/value/separator triples for ENV and LABEL,
 * whitespace-split words for FROM/EXPOSE/COPY/ADD/VOLUME, quoted words for ARG, the verbatim
 * text for MAINTAINER/USER/WORKDIR/STOPSIGNAL, the first word then the command for HEALTHCHECK,
 * and one empty string for an unknown keyword. ONBUILD holds its trigger in {@link #nested()}.
 *
 * @param keyword the instruction keyword as written, lower-cased ({@code FROM} gives {@code from})
 * @param flags the leading {@code --flag} words as written minus quoting, uninterpreted
 * @param args the arguments, as above
 * @param nested the trigger instruction of an ONBUILD, else null
 * @param heredocs heredocs read after this line (RUN, COPY, ADD in shell form only)
 * @param jsonForm true when the arguments were given as a JSON array (exec form)
 * @param original the logical line after joining continuations, as written (keyword included)
 * @param startLine 1-based physical line where the instruction starts
 * @param endLine 1-based last physical line consumed for it (heredoc bodies included)
 * @param column 1-based column of the keyword on its first line
 */
public record Node(String keyword, List<String> flags, List<String> args, Node nested,
                   List<Heredoc> heredocs, boolean jsonForm, String original,
                   int startLine, int endLine, int column) {

    public Node {
        Objects.requireNonNull(keyword, "keyword");
        flags = List.copyOf(flags);
        args = List.copyOf(args);
        heredocs = List.copyOf(heredocs);
        Objects.requireNonNull(original, "original");
    }

    /**
     * BuildKit's s-expression dump of this instruction, e.g. {@code (copy ["--from=a"] "x" "/y")}:
     * keyword, then the flags in brackets when there are any, then each argument Go-quoted, then
     * the nested ONBUILD trigger, all separated by single spaces.
     */
    public String dump() {
        StringBuilder sb = new StringBuilder();
        dumpTo(sb);
        return sb.toString();
    }

    void dumpTo(StringBuilder sb) {
        sb.append('(').append(keyword);
        // BuildKit trims each dump: after an empty keyword the first item has no leading space
        int mark = keyword.isEmpty() ? sb.length() : -1;
        if (!flags.isEmpty()) {
            sb.append(" [");
            for (int i = 0; i < flags.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                GoQuote.appendQuoted(sb, flags.get(i));
            }
            sb.append(']');
        }
        for (String arg : args) {
            sb.append(' ');
            GoQuote.appendQuoted(sb, arg);
        }
        if (nested != null) {
            sb.append(' ');
            nested.dumpTo(sb);
        }
        if (mark >= 0 && sb.length() > mark && sb.charAt(mark) == ' ') {
            sb.deleteCharAt(mark);
        }
        sb.append(')');
    }

    /** The dump of a whole file: one line per instruction, each ending with a newline. */
    public static String dump(List<Node> nodes) {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            n.dumpTo(sb);
            sb.append('\n');
        }
        return sb.toString();
    }
}
