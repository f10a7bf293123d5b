package io.jbuild.registry;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RFC 8288 {@code Link} headers: finds the {@code rel="next"} target. */
final class Links {
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");

    private Links() {
    }

    static Optional<String> next(List<String> headers) {
        for (String header : headers) {
            Matcher m = LINK.matcher(header);
            while (m.find()) {
                String params = m.group(2);
                for (String p : params.split(";")) {
                    String t = p.trim();
                    if (t.matches("(?i)rel\\s*=\\s*\"?([^\"]*\\s)?next(\\s[^\"]*)?\"?")) {
                        return Optional.of(m.group(1));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
