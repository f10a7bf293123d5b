package io.jbuild.dockerfile;

/**
 * Go's {@code filepath.Match} (Unix flavour), used as Docker uses it: to reject malformed
 * .dockerignore patterns ({@code [}, {@code [a-b-c]}, a trailing {@code \}, ...) when the matcher
 * is built. Works on code points, which gives Go's byte-wise answers for valid UTF-8.
 */
public final class GoGlob {
    /** The pattern is malformed (Go's {@code filepath.ErrBadPattern}). */
    public static final class BadPatternException extends Exception {
        private static final long serialVersionUID = 1L;

        BadPatternException() {
            super("syntax error in pattern");
        }
    }

    private GoGlob() {
    }

    /** Whether {@code name} matches the shell pattern {@code pattern} as a whole ({@code *} and {@code ?} never match {@code /}). */
    public static boolean match(String pattern, String name) throws BadPatternException {
        int[] p = pattern.codePoints().toArray();
        int[] s = name.codePoints().toArray();
        int pi = 0;
        int si = 0;
        outer:
        while (pi < p.length) {
            // scanChunk: leading stars, then the chunk up to the next star outside a class
            boolean star = false;
            while (pi < p.length && p[pi] == '*') {
                pi++;
                star = true;
            }
            int chunkStart = pi;
            int chunkEnd = chunkEnd(p, pi);
            pi = chunkEnd;
            if (star && chunkStart == chunkEnd) {
                // a trailing star matches the rest unless it has a separator
                for (int k = si; k < s.length; k++) {
                    if (s[k] == '/') {
                        return false;
                    }
                }
                return true;
            }
            int rest = matchChunk(p, chunkStart, chunkEnd, s, si);
            if (rest >= 0 && (rest == s.length || pi < p.length)) {
                si = rest;
                continue;
            }
            if (star) {
                for (int k = si; k < s.length && s[k] != '/'; k++) {
                    int t = matchChunk(p, chunkStart, chunkEnd, s, k + 1);
                    if (t >= 0) {
                        if (pi == p.length && t < s.length) {
                            continue;
                        }
                        si = t;
                        continue outer;
                    }
                }
            }
            // no match: the rest of the pattern must still be well formed
            while (pi < p.length) {
                while (pi < p.length && p[pi] == '*') {
                    pi++;
                }
                int cs = pi;
                int j = chunkEnd(p, pi);
                matchChunk(p, cs, j, new int[0], 0);
                pi = j;
            }
            return false;
        }
        return si == s.length;
    }

    /** Go's scanChunk: the end of the chunk starting at {@code i}, i.e. the next star outside a class. */
    private static int chunkEnd(int[] p, int i) {
        boolean inRange = false;
        for (; i < p.length; i++) {
            switch (p[i]) {
                case '\\' -> {
                    if (i + 1 < p.length) {
                        i++;
                    }
                }
                case '[' -> inRange = true;
                case ']' -> inRange = false;
                case '*' -> {
                    if (!inRange) {
                        return i;
                    }
                }
                default -> {
                }
            }
        }
        return i;
    }

    /** Matches one chunk at s[si..]; returns the index after the match, or -1. Checks syntax throughout. */
    private static int matchChunk(int[] p, int from, int to, int[] s, int si) throws BadPatternException {
        boolean failed = false;
        int c = from;
        while (c < to) {
            if (!failed && si >= s.length) {
                failed = true;
            }
            switch (p[c]) {
                case '[' -> {
                    int r = 0;
                    if (!failed) {
                        r = s[si];
                        si++;
                    }
                    c++;
                    boolean negated = false;
                    if (c < to && p[c] == '^') {
                        negated = true;
                        c++;
                    }
                    boolean match = false;
                    int nrange = 0;
                    while (true) {
                        if (c < to && p[c] == ']' && nrange > 0) {
                            c++;
                            break;
                        }
                        int[] lo = escaped(p, c, to);
                        c = lo[1];
                        int hi = lo[0];
                        if (p[c] == '-') {
                            int[] h = escaped(p, c + 1, to);
                            hi = h[0];
                            c = h[1];
                        }
                        if (lo[0] <= r && r <= hi) {
                            match = true;
                        }
                        nrange++;
                    }
                    if (match == negated) {
                        failed = true;
                    }
                }
                case '?' -> {
                    if (!failed) {
                        if (s[si] == '/') {
                            failed = true;
                        }
                        si++;
                    }
                    c++;
                }
                case '\\' -> {
                    c++;
                    if (c >= to) {
                        throw new BadPatternException();
                    }
                    if (!failed) {
                        if (p[c] != s[si]) {
                            failed = true;
                        }
                        si++;
                    }
                    c++;
                }
                default -> {
                    if (!failed) {
                        if (p[c] != s[si]) {
                            failed = true;
                        }
                        si++;
                    }
                    c++;
                }
            }
        }
        return failed ? -1 : si;
    }

    /** Go's getEsc: one possibly escaped class character; returns {char, next index}. */
    private static int[] escaped(int[] p, int c, int to) throws BadPatternException {
        if (c >= to || p[c] == '-' || p[c] == ']') {
            throw new BadPatternException();
        }
        if (p[c] == '\\') {
            c++;
            if (c >= to) {
                throw new BadPatternException();
            }
        }
        int r = p[c];
        c++;
        if (c >= to) {
            throw new BadPatternException();
        }
        return new int[] {r, c};
    }
}
