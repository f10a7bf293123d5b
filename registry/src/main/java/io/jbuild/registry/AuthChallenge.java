package io.jbuild.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 §11.6.1): a scheme such as
 * {@code Basic} or {@code Bearer} with its parameters ({@code realm}, {@code service}, {@code scope}).
 * Parameter names are lower-cased.
 */
public record AuthChallenge(String scheme, Map<String, String> parameters) {
    public AuthChallenge {
        if (scheme == null || scheme.isEmpty()) {
            throw new IllegalArgumentException("challenge scheme is missing");
        }
        parameters = Collections.unmodifiableMap(new TreeMap<>(parameters == null ? Map.of() : parameters));
    }

    public boolean isBearer() {
        return scheme.equalsIgnoreCase("Bearer");
    }

    public boolean isBasic() {
        return scheme.equalsIgnoreCase("Basic");
    }

    public String parameter(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    /** Parses all challenges of all given header values; unparseable parts are skipped. */
    public static List<AuthChallenge> parse(List<String> headerValues) {
        List<AuthChallenge> result = new ArrayList<>();
        for (String value : headerValues) {
            result.addAll(parse(value));
        }
        return result;
    }

    /**
     * Parses one header value, which may hold several challenges:
     * {@code Bearer realm="https://a/token",service="a",scope="repository:x:pull,push", Basic realm="b"}.
     */
    public static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> result = new ArrayList<>();
        if (header == null) {
            return result;
        }
        Lexer lx = new Lexer(header);
        String scheme = null;
        Map<String, String> params = new TreeMap<>();
        while (true) {
            lx.skipSpaceAndCommas();
            if (lx.atEnd()) {
                break;
            }
            String token = lx.token();
            if (token.isEmpty()) {
                lx.pos++;
                continue;
            }
            lx.skipSpace();
            if (lx.peek() == '=' && scheme != null && !lx.isToken68End()) {
                lx.pos++;
                lx.skipSpace();
                String value = lx.peek() == '"' ? lx.quoted() : lx.token();
                params.put(token.toLowerCase(Locale.ROOT), value);
                lx.skipSpace();
                if (lx.peek() == ',') {
                    lx.pos++;
                }
            } else {
                if (scheme != null) {
                    result.add(new AuthChallenge(scheme, params));
                }
                scheme = token;
                params = new TreeMap<>();
                if (lx.peek() == '=') {
                    // token68 form (e.g. "Negotiate abc=="): keep it whole
                    while (!lx.atEnd() && lx.peek() == '=') {
                        lx.pos++;
                    }
                }
            }
        }
        if (scheme != null) {
            result.add(new AuthChallenge(scheme, params));
        }
        return result;
    }

    private static final class Lexer {
        final String s;
        int pos;

        Lexer(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return atEnd() ? 0 : s.charAt(pos);
        }

        void skipSpace() {
            while (!atEnd() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        void skipSpaceAndCommas() {
            while (!atEnd() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
                pos++;
            }
        }

        /** Whether the '=' at pos starts token68 padding ("==") rather than a parameter value. */
        boolean isToken68End() {
            return pos + 1 < s.length() && s.charAt(pos + 1) == '=';
        }

        String token() {
            int start = pos;
            while (!atEnd()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == ',' || c == '=' || c == '"') {
                    break;
                }
                pos++;
            }
            return s.substring(start, pos);
        }

        String quoted() {
            StringBuilder b = new StringBuilder();
            pos++; // opening quote
            while (!atEnd()) {
                char c = s.charAt(pos++);
                if (c == '\\' && !atEnd()) {
                    b.append(s.charAt(pos++));
                } else if (c == '"') {
                    break;
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }
}
