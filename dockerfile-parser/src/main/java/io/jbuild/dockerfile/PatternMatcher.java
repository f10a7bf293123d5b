package io.jbuild.dockerfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which paths of a build context a {@code .dockerignore} excludes, exactly as Docker and
 * BuildKit do (moby/patternmatcher): patterns are cleaned like paths, {@code *} and {@code ?} never
 * cross {@code /}, {@code **} spans any number of directories, {@code [...]} classes and {@code \}
 * escapes work as in Go's {@code filepath.Match}, a leading {@code !} re-includes, the last pattern
 * that matches decides, and a path is excluded when it or any parent directory is.
 *
 * <p>Every pattern is checked and compiled once, when the matcher is built; matching is then
 * string comparison for plain, prefix and suffix patterns and one regular expression otherwise.
 * Instances are immutable and safe to share between threads.
 */
public final class PatternMatcher {
    private static final PatternMatcher EMPTY = new PatternMatcher(List.of(), false);

    private final List<Rule> rules;
    private final boolean exclusions;

    private PatternMatcher(List<Rule> rules, boolean exclusions) {
        this.rules = List.copyOf(rules);
        this.exclusions = exclusions;
    }

    /** A matcher that excludes nothing. */
    public static PatternMatcher empty() {
        return EMPTY;
    }

    /**
     * Builds a matcher. Blank patterns are dropped; a lone {@code !} and malformed patterns are
     * errors ({@code illegal exclusion pattern: "!"}, {@code bad pattern "[": syntax error in pattern}).
     */
    public static PatternMatcher of(List<String> patterns) throws DockerfileException {
        List<Rule> rules = new ArrayList<>(patterns.size());
        boolean exclusions = false;
        for (String raw : patterns) {
            String p = raw.strip();
            if (p.isEmpty()) {
                continue;
            }
            p = GoPaths.clean(p);
            boolean exclusion = false;
            if (p.charAt(0) == '!') {
                if (p.length() == 1) {
                    throw new DockerfileException(null, 0, 0, "illegal exclusion pattern: \"!\"");
                }
                exclusion = true;
                exclusions = true;
                p = p.substring(1);
            }
            try {
                GoGlob.match(p, ".");
            } catch (GoGlob.BadPatternException e) {
                throw new DockerfileException(null, 0, 0,
                        "bad pattern " + GoQuote.quote(raw.strip()) + ": syntax error in pattern");
            }
            rules.add(Rule.compile(p, exclusion, raw.strip()));
        }
        return new PatternMatcher(rules, exclusions);
    }

    /** True when some pattern starts with {@code !}. */
    public boolean hasExclusions() {
        return exclusions;
    }

    /** The cleaned patterns, {@code !} included, in order. */
    public List<String> patterns() {
        return rules.stream().map(r -> r.exclusion ? "!" + r.cleaned : r.cleaned).toList();
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether {@code path} (slash-separated, relative to the context) is excluded by it or a parent. */
    public boolean matchesOrParentMatches(String path) {
        boolean matched = false;
        String parent = GoPaths.dir(path);
        String[] parentDirs = parent.split("/", -1);
        for (Rule rule : rules) {
            if (rule.exclusion != matched) {
                continue;
            }
            boolean match = rule.matches(path);
            if (!match && !parent.equals(".")) {
                match = matchesAParent(rule, parentDirs);
            }
            if (match) {
                matched = !rule.exclusion;
            }
        }
        return matched;
    }

    /**
     * The incremental form a context walker uses: pass the {@link MatchInfo} of the path's parent
     * directory (or {@link MatchInfo#NONE} when unknown, which makes it behave like
     * {@link #matchesOrParentMatches}) and keep the returned info for the path's children.
     */
    public Match matchesUsingParentResults(String path, MatchInfo parentInfo) {
        boolean[] parentMatched = parentInfo.matched;
        if (parentMatched.length != 0 && parentMatched.length != rules.size()) {
            throw new IllegalArgumentException("parent match info has " + parentMatched.length
                    + " entries for " + rules.size() + " patterns");
        }
        boolean matched = false;
        boolean[] info = new boolean[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            boolean match = parentMatched.length != 0 && parentMatched[i];
            if (!match) {
                if (rule.exclusion != matched) {
                    continue;
                }
                match = rule.matches(path);
                if (!match && parentMatched.length == 0) {
                    String parent = GoPaths.dir(path);
                    if (!parent.equals(".")) {
                        match = matchesAParent(rule, parent.split("/", -1));
                    }
                }
            }
            info[i] = match;
            if (match) {
                matched = !rule.exclusion;
            }
        }
        return new Match(matched, new MatchInfo(info));
    }

    /**
     * The deprecated matcher Docker once used ({@code patternmatcher.Matches}): the path is cleaned,
     * {@code .} never matches, and only the one parent as deep as the pattern is tried. Kept for the
     * pattern-grammar vectors; use {@link #matchesOrParentMatches} for real decisions.
     */
    public static boolean matches(String path, List<String> patterns) throws DockerfileException {
        PatternMatcher pm = of(patterns);
        String file = GoPaths.clean(path);
        if (file.equals(".")) {
            return false;
        }
        boolean matched = false;
        String parent = GoPaths.dir(file);
        String[] parentDirs = parent.split("/", -1);
        for (Rule rule : pm.rules) {
            if (rule.exclusion != matched) {
                continue;
            }
            boolean match = rule.matches(file);
            if (!match && !parent.equals(".") && rule.depth <= parentDirs.length) {
                match = rule.matches(String.join("/", java.util.Arrays.copyOf(parentDirs, rule.depth)));
            }
            if (match) {
                matched = !rule.exclusion;
            }
        }
        return matched;
    }

    private static boolean matchesAParent(Rule rule, String[] parentDirs) {
        StringBuilder prefix = new StringBuilder();
        for (int k = 0; k < parentDirs.length; k++) {
            if (k > 0) {
                prefix.append('/');
            }
            prefix.append(parentDirs[k]);
            if (rule.matches(prefix.toString())) {
                return true;
            }
        }
        return false;
    }

    /** The answer for one path, and what its children need to know. */
    public record Match(boolean excluded, MatchInfo info) {
    }

    /** Which patterns matched a directory, handed down to its entries. */
    public static final class MatchInfo {
        /** No information about the parent: every parent directory is checked. */
        public static final MatchInfo NONE = new MatchInfo(new boolean[0]);

        private final boolean[] matched;

        private MatchInfo(boolean[] matched) {
            this.matched = matched;
        }
    }

    private enum Kind { EXACT, PREFIX, SUFFIX, REGEX }

    /** One compiled pattern. */
    private static final class Rule {
        final String cleaned;
        final boolean exclusion;
        final int depth;
        final Kind kind;
        final GlobProgram program;

        private Rule(String cleaned, boolean exclusion, Kind kind, GlobProgram program) {
            this.cleaned = cleaned;
            this.exclusion = exclusion;
            this.depth = cleaned.split("/", -1).length;
            this.kind = kind;
            this.program = program;
        }

        boolean matches(String path) {
            switch (kind) {
                case EXACT:
                    return path.equals(cleaned);
                case PREFIX:
                    return path.startsWith(cleaned.substring(0, cleaned.length() - 2));
                case SUFFIX: {
                    String suffix = cleaned.substring(2);
                    if (path.endsWith(suffix)) {
                        return true;
                    }
                    return !suffix.isEmpty() && suffix.charAt(0) == '/' && path.equals(suffix.substring(1));
                }
                default:
                    return program.matches(path);
            }
        }

        /**
         * Classifies and compiles a pattern as patternmatcher does: plain text is an exact match, a
         * trailing {@code **} after plain text a prefix match, a leading {@code **} a suffix match,
         * anything else a program ({@code *} is {@code [^/]*}, {@code ?} is {@code [^/]},
         * {@code **} is {@code (.*\/)?}, or {@code .*} at the end after other wildcards).
         */
        static Rule compile(String p, boolean exclusion, String raw) throws DockerfileException {
            GlobProgram.Builder program = new GlobProgram.Builder();
            Kind kind = Kind.EXACT;
            int[] cps = p.codePoints().toArray();
            int i = 0;
            for (int k = 0; i < cps.length; k++) {
                int ch = cps[i++];
                if (ch == '*') {
                    if (i < cps.length && cps[i] == '*') {
                        i++;
                        if (i < cps.length && cps[i] == '/') {
                            i++;
                        }
                        if (i >= cps.length) {
                            if (kind == Kind.EXACT) {
                                kind = Kind.PREFIX;
                            } else {
                                program.dotStar();
                                kind = Kind.REGEX;
                            }
                        } else {
                            program.optionalDirs();
                            kind = Kind.REGEX;
                        }
                        if (k == 0) {
                            kind = Kind.SUFFIX;
                        }
                    } else {
                        program.starNotSlash();
                        kind = Kind.REGEX;
                    }
                } else if (ch == '?') {
                    program.notSlash();
                    kind = Kind.REGEX;
                } else if (ch == '\\') {
                    if (i < cps.length) {
                        program.literal(escaped(cps[i++], raw));
                        kind = Kind.REGEX;
                    } else {
                        program.literal('\\');
                    }
                } else if (ch == '[') {
                    i = characterClass(cps, i, program, raw);
                    kind = Kind.REGEX;
                } else if (ch == ']') {
                    program.literal(ch);
                    kind = Kind.REGEX;
                } else if (ch == '^') {
                    // Go reads an unescaped ^ in the expression as "start of text"
                    program.begin();
                } else {
                    program.literal(ch);
                }
            }
            return new Rule(p, exclusion, kind, kind == Kind.REGEX ? program.build() : null);
        }

        /** The character a backslash escape stands for in the Go expression. */
        private static int escaped(int c, String raw) throws DockerfileException {
            if (c < 0x80 && !Character.isLetterOrDigit(c)) {
                return c;
            }
            return switch (c) {
                case 'a' -> 0x07;
                case 'f' -> '\f';
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 'v' -> 0x0B;
                default -> throw new DockerfileException(null, 0, 0, "bad pattern " + GoQuote.quote(raw)
                        + ": unsupported escape \\" + Character.toString(c));
            };
        }

        /** Reads a class after its {@code [} (already checked by {@link GoGlob}); returns the index after {@code ]}. */
        private static int characterClass(int[] cps, int i, GlobProgram.Builder program, String raw)
                throws DockerfileException {
            boolean negate = false;
            if (i < cps.length && cps[i] == '^') {
                negate = true;
                i++;
            }
            List<Integer> loHi = new ArrayList<>();
            int n = 0;
            while (true) {
                if (i >= cps.length) {
                    throw new DockerfileException(null, 0, 0, "bad pattern " + GoQuote.quote(raw)
                            + ": syntax error in pattern");
                }
                if (cps[i] == ']' && n > 0) {
                    i++;
                    break;
                }
                int lo = cps[i] == '\\' && i + 1 < cps.length ? cps[++i] : cps[i];
                i++;
                int hi = lo;
                if (i + 1 < cps.length && cps[i] == '-' && cps[i + 1] != ']') {
                    i++;
                    hi = cps[i] == '\\' && i + 1 < cps.length ? cps[++i] : cps[i];
                    i++;
                }
                loHi.add(lo);
                loHi.add(hi);
                n++;
            }
            program.characterClass(loHi.stream().mapToInt(Integer::intValue).toArray(), negate);
            return i;
        }
    }
}
