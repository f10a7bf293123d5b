package io.jbuild.dockerfile;

import java.util.Arrays;

/**
 * A shell wildcard pattern of {@code ${v#p}}, {@code ${v%p}} and {@code ${v/p/r}}, matched with the
 * semantics of the Go regular expression BuildKit translates it to: {@code *} is {@code .*} (or
 * {@code .*?} when not greedy), {@code ?} is {@code .}, every other character is literal, and like
 * Go's {@code .} neither {@code *} nor {@code ?} matches a newline. {@code \*}, {@code \?} and
 * {@code \\} are literal; a {@code \} before {@code }} or {@code /} is dropped; any other escape is
 * an error. There are no bracket expressions.
 *
 * <p>Matching runs a Pike virtual machine with Go's leftmost-first thread priorities, so it finds
 * exactly the match Go's {@code regexp} finds, in time linear in the text for a given pattern (no
 * backtracking, no blow-up on many {@code *}). Text and results are arrays of code points.
 */
final class ShellPattern {
    private static final int CHAR = 0;
    private static final int ANY = 1;
    private static final int SPLIT = 2;
    private static final int JMP = 3;
    private static final int MATCH = 4;

    private final int[] op;
    private final int[] arg1;
    private final int[] arg2;

    private ShellPattern(int[] op, int[] arg1, int[] arg2) {
        this.op = op;
        this.arg1 = arg1;
        this.arg2 = arg2;
    }

    /**
     * Translates a pattern as BuildKit's {@code convertShellPatternToRegex} does.
     *
     * @throws ShellExpansionException with BuildKit's cause text ({@code invalid escape '\x'})
     */
    static ShellPattern compile(String pattern, boolean greedy) throws ShellExpansionException {
        int n = pattern.length();
        int[] op = new int[3 * n + 1];
        int[] arg1 = new int[op.length];
        int[] arg2 = new int[op.length];
        int pc = 0;
        boolean lastWasStar = false;
        int i = 0;
        // Go's text/scanner drops a byte order mark at the very start of its input
        if (n > 0 && pattern.charAt(0) == '\uFEFF') {
            i = 1;
        }
        while (i < n) {
            int tok = pattern.codePointAt(i);
            i += Character.charCount(tok);
            if (tok == '*') {
                // consecutive stars of the same greediness match exactly what one star matches
                if (!lastWasStar) {
                    op[pc] = SPLIT;
                    arg1[pc] = greedy ? pc + 1 : pc + 3;
                    arg2[pc] = greedy ? pc + 3 : pc + 1;
                    op[pc + 1] = ANY;
                    op[pc + 2] = JMP;
                    arg1[pc + 2] = pc;
                    pc += 3;
                    lastWasStar = true;
                }
                continue;
            }
            lastWasStar = false;
            if (tok == '?') {
                op[pc++] = ANY;
                continue;
            }
            if (tok == '\\') {
                int following = i < n ? pattern.codePointAt(i) : -1;
                if (following == '}' || following == '/') {
                    // escaped only because of the ${...} syntax; the next round takes it literally
                    continue;
                }
                tok = following;
                if (tok >= 0) {
                    i += Character.charCount(tok);
                }
                if (tok != '*' && tok != '?' && tok != '\\') {
                    StringBuilder sb = new StringBuilder("invalid escape '\\");
                    appendRune(sb, tok);
                    throw new ShellExpansionException(sb.append('\'').toString());
                }
            }
            op[pc] = CHAR;
            arg1[pc] = tok;
            pc++;
        }
        op[pc++] = MATCH;
        return new ShellPattern(Arrays.copyOf(op, pc), Arrays.copyOf(arg1, pc), Arrays.copyOf(arg2, pc));
    }

    /** Appends a rune as Go's {@code %c} and {@code string(rune)} print it (U+FFFD for invalid ones). */
    static void appendRune(StringBuilder sb, int rune) {
        if (rune < 0 || rune > Character.MAX_CODE_POINT || (rune >= 0xD800 && rune <= 0xDFFF)) {
            sb.append('\uFFFD');
        } else {
            sb.appendCodePoint(rune);
        }
    }

    /**
     * Reverses a pattern but keeps each {@code \x} pair in order ({@code a\*c} becomes
     * {@code c\*a}), as BuildKit's {@code reversePattern}.
     */
    static String reversePattern(String pattern) {
        int[] in = pattern.codePoints().toArray();
        int[] out = new int[in.length];
        int last = in.length - 1;
        int i = 0;
        while (i <= last) {
            int tok = in[i];
            int outIdx = last - i;
            if (tok == '\\' && i != last) {
                out[outIdx - 1] = tok;
                out[outIdx] = in[i + 1];
                i += 2;
            } else {
                out[outIdx] = tok;
                i++;
            }
        }
        return new String(out, 0, out.length);
    }

    /**
     * Finds the leftmost-first match in {@code text} at or after {@code from}; when {@code anchored}
     * only a match starting at {@code from} counts. Returns {@code {start, end}} or {@code null}.
     */
    int[] find(int[] text, int from, boolean anchored) {
        int m = op.length;
        ThreadList clist = new ThreadList(m);
        ThreadList nlist = new ThreadList(m);
        int[] stack = new int[2 * m + 2];
        boolean matched = false;
        int matchStart = -1;
        int matchEnd = -1;
        for (int pos = from; ; pos++) {
            if (!matched && (!anchored || pos == from)) {
                add(clist, 0, pos, stack);
            }
            if (clist.size == 0) {
                break;
            }
            int c = pos < text.length ? text[pos] : -1;
            nlist.clear();
            for (int j = 0; j < clist.size; j++) {
                int pc = clist.pc[j];
                int start = clist.start[j];
                switch (op[pc]) {
                    case MATCH -> {
                        matched = true;
                        matchStart = start;
                        matchEnd = pos;
                        j = clist.size; // leftmost-first: cut off every lower-priority thread
                    }
                    case CHAR -> {
                        if (c == arg1[pc]) {
                            add(nlist, pc + 1, start, stack);
                        }
                    }
                    case ANY -> {
                        if (c >= 0 && c != '\n') {
                            add(nlist, pc + 1, start, stack);
                        }
                    }
                    default -> throw new IllegalStateException("thread on instruction " + op[pc]);
                }
            }
            if (pos >= text.length) {
                break;
            }
            ThreadList t = clist;
            clist = nlist;
            nlist = t;
        }
        return matched ? new int[] {matchStart, matchEnd} : null;
    }

    /** Adds the thread at {@code pc0} and everything reachable by empty moves, in priority order. */
    private void add(ThreadList list, int pc0, int start, int[] stack) {
        int sp = 0;
        stack[sp++] = pc0;
        while (sp > 0) {
            int pc = stack[--sp];
            if (list.mark[pc] == list.generation) {
                continue;
            }
            list.mark[pc] = list.generation;
            switch (op[pc]) {
                case JMP -> stack[sp++] = arg1[pc];
                case SPLIT -> {
                    stack[sp++] = arg2[pc];
                    stack[sp++] = arg1[pc];
                }
                default -> {
                    list.pc[list.size] = pc;
                    list.start[list.size] = start;
                    list.size++;
                }
            }
        }
    }

    /** An ordered set of threads; membership marks are invalidated by bumping the generation. */
    private static final class ThreadList {
        final int[] pc;
        final int[] start;
        final int[] mark;
        int generation = 1;
        int size;

        ThreadList(int m) {
            pc = new int[m];
            start = new int[m];
            mark = new int[m];
        }

        void clear() {
            size = 0;
            generation++;
        }
    }
}
