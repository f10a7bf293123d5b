package io.jbuild.dockerfile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled .dockerignore pattern of the "regular expression" kind, run as a small NFA in
 * O(path length x pattern length) time. It has exactly the meaning of the Go expression that
 * moby/patternmatcher builds ({@code *} is {@code [^/]*}, {@code ?} is {@code [^/]}, {@code **}
 * is {@code (.*\/)?} or a trailing {@code .*}), without the exponential backtracking a
 * {@code java.util.regex} translation would show on patterns such as {@code a*a*a*a*b}.
 */
final class GlobProgram {
    private static final int LIT = 0;
    private static final int CLASS = 1;
    private static final int NOT_SLASH = 2;
    private static final int LOOP_NOT_SLASH = 3;
    private static final int DOTSTAR = 4;
    private static final int OPT_DIRS = 5;
    private static final int DIRS_BODY = 6;
    private static final int BEGIN = 7;

    private final int[] op;
    private final int[] arg;
    private final int[][] ranges;
    private final boolean[] negated;

    private GlobProgram(List<int[]> nodes, List<int[]> classRanges, List<Boolean> classNegated) {
        op = new int[nodes.size()];
        arg = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            op[i] = nodes.get(i)[0];
            arg[i] = nodes.get(i)[1];
        }
        ranges = classRanges.toArray(new int[0][]);
        negated = new boolean[classNegated.size()];
        for (int i = 0; i < negated.length; i++) {
            negated[i] = classNegated.get(i);
        }
    }

    /** Builds programs node by node, in pattern order. */
    static final class Builder {
        private final List<int[]> nodes = new ArrayList<>();
        private final List<int[]> classRanges = new ArrayList<>();
        private final List<Boolean> classNegated = new ArrayList<>();

        void literal(int cp) {
            nodes.add(new int[] {LIT, cp});
        }

        void notSlash() {
            nodes.add(new int[] {NOT_SLASH, 0});
        }

        void starNotSlash() {
            nodes.add(new int[] {LOOP_NOT_SLASH, 0});
        }

        void dotStar() {
            nodes.add(new int[] {DOTSTAR, 0});
        }

        /** {@code (.*\/)?}: nothing, or anything that ends with a slash. */
        void optionalDirs() {
            nodes.add(new int[] {OPT_DIRS, 0});
            nodes.add(new int[] {DIRS_BODY, 0});
        }

        /** Go's {@code ^} in the middle of an expression: matches only at the start of the path. */
        void begin() {
            nodes.add(new int[] {BEGIN, 0});
        }

        /** A class of inclusive code point ranges {lo0, hi0, lo1, hi1, ...}. */
        void characterClass(int[] loHi, boolean negate) {
            nodes.add(new int[] {CLASS, classRanges.size()});
            classRanges.add(loHi);
            classNegated.add(negate);
        }

        GlobProgram build() {
            return new GlobProgram(nodes, classRanges, classNegated);
        }
    }

    boolean matches(String path) {
        int m = op.length;
        boolean[] cur = new boolean[m + 1];
        boolean[] next = new boolean[m + 1];
        cur[0] = true;
        closure(cur, 0);
        int pos = 0;
        for (int i = 0; i < path.length(); ) {
            int c = path.codePointAt(i);
            i += Character.charCount(c);
            Arrays.fill(next, false);
            boolean any = false;
            for (int s = 0; s < m; s++) {
                if (!cur[s]) {
                    continue;
                }
                switch (op[s]) {
                    case LIT -> {
                        if (c == arg[s]) {
                            next[s + 1] = any = true;
                        }
                    }
                    case CLASS -> {
                        if (inClass(arg[s], c)) {
                            next[s + 1] = any = true;
                        }
                    }
                    case NOT_SLASH -> {
                        if (c != '/') {
                            next[s + 1] = any = true;
                        }
                    }
                    case LOOP_NOT_SLASH -> {
                        if (c != '/') {
                            next[s] = any = true;
                        }
                    }
                    case DOTSTAR -> {
                        if (c != '\n') {
                            next[s] = any = true;
                        }
                    }
                    case DIRS_BODY -> {
                        if (c != '\n') {
                            next[s] = any = true;
                        }
                        if (c == '/') {
                            next[s + 1] = any = true;
                        }
                    }
                    default -> {
                        // OPT_DIRS and BEGIN consume nothing
                    }
                }
            }
            if (!any) {
                return false;
            }
            pos++;
            closure(next, pos);
            boolean[] t = cur;
            cur = next;
            next = t;
        }
        return cur[m];
    }

    /** Follows the empty moves; they only go forward, so one ascending pass is enough. */
    private void closure(boolean[] states, int pos) {
        for (int s = 0; s < op.length; s++) {
            if (!states[s]) {
                continue;
            }
            switch (op[s]) {
                case LOOP_NOT_SLASH, DOTSTAR -> states[s + 1] = true;
                case OPT_DIRS -> {
                    states[s + 1] = true;
                    states[s + 2] = true;
                }
                case BEGIN -> {
                    if (pos == 0) {
                        states[s + 1] = true;
                    }
                }
                default -> {
                }
            }
        }
    }

    private boolean inClass(int index, int c) {
        int[] r = ranges[index];
        boolean in = false;
        for (int k = 0; k < r.length; k += 2) {
            if (r[k] <= c && c <= r[k + 1]) {
                in = true;
                break;
            }
        }
        return in != negated[index];
    }
}
