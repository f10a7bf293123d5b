package io.jbuild.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The value of {@code --chmod}: an octal mode ({@code 0755}) or a symbolic one as chmod(1) takes it
 * ({@code u+x,go-w}, {@code a=rX}), parsed so that it can be applied to a file's mode later.
 *
 * @param text the flag value as written
 * @param octal the octal mode, or null for a symbolic mode
 * @param clauses the symbolic clauses (empty for an octal mode)
 */
public record Chmod(String text, Integer octal, List<Clause> clauses) {
    public Chmod {
        Objects.requireNonNull(text, "text");
        clauses = List.copyOf(clauses);
    }

    /**
     * One {@code who op perms} action of a symbolic mode.
     *
     * @param who the classes as written ({@code ugo}, {@code a}, or "" meaning all)
     * @param op {@code +}, {@code -} or {@code =}
     * @param perms the permission letters ({@code rwxXst}) or one class to copy from ({@code u}, {@code g}, {@code o})
     */
    public record Clause(String who, char op, String perms) {
        public Clause {
            Objects.requireNonNull(who, "who");
            Objects.requireNonNull(perms, "perms");
        }
    }

    /** Parses an octal (at most 07777) or symbolic mode. */
    public static Chmod parse(String text) throws DockerfileException {
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '7')) {
            if (text.length() > 5 || Integer.parseInt(text, 8) > 07777) {
                throw invalid(text);
            }
            return new Chmod(text, Integer.parseInt(text, 8), List.of());
        }
        List<Clause> clauses = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int i = 0;
            while (i < part.length() && "ugoa".indexOf(part.charAt(i)) >= 0) {
                i++;
            }
            String who = part.substring(0, i);
            if (i >= part.length()) {
                throw invalid(text);
            }
            while (i < part.length()) {
                char op = part.charAt(i++);
                if ("+-=".indexOf(op) < 0) {
                    throw invalid(text);
                }
                int start = i;
                if (i < part.length() && "ugo".indexOf(part.charAt(i)) >= 0) {
                    i++;
                } else {
                    while (i < part.length() && "rwxXst".indexOf(part.charAt(i)) >= 0) {
                        i++;
                    }
                }
                clauses.add(new Clause(who, op, part.substring(start, i)));
            }
        }
        return new Chmod(text, null, clauses);
    }

    private static DockerfileException invalid(String text) {
        return Instructions.error("invalid chmod parameter: '" + text
                + "'. it should be octal string and between 0 and 07777 or a symbolic mode such as u+x");
    }

    /** The mode (permission and setuid/setgid/sticky bits) that results from applying this to {@code mode}. */
    public int applyTo(int mode, boolean directory) {
        if (octal != null) {
            return octal;
        }
        int result = mode & 07777;
        for (Clause c : clauses) {
            String who = c.who().isEmpty() || c.who().contains("a") ? "ugo" : c.who();
            int whoMask = (who.contains("u") ? 04700 : 0) | (who.contains("g") ? 02070 : 0)
                    | (who.contains("o") ? 01007 : 0);
            int bits = 0;
            String p = c.perms();
            if (p.length() == 1 && "ugo".indexOf(p.charAt(0)) >= 0) {
                int shift = p.equals("u") ? 6 : p.equals("g") ? 3 : 0;
                int rwx = (result >> shift) & 7;
                bits = rwx << 6 | rwx << 3 | rwx;
            } else {
                for (char ch : p.toCharArray()) {
                    switch (ch) {
                        case 'r': bits |= 0444; break;
                        case 'w': bits |= 0222; break;
                        case 'x': bits |= 0111; break;
                        case 'X':
                            if (directory || (mode & 0111) != 0) {
                                bits |= 0111;
                            }
                            break;
                        case 's': bits |= 06000; break;
                        default: bits |= 01000; break;
                    }
                }
            }
            bits &= whoMask;
            if (c.op() == '+') {
                result |= bits;
            } else if (c.op() == '-') {
                result &= ~bits;
            } else {
                result = (result & ~(whoMask & 0777)) | bits;
            }
        }
        return result;
    }
}
