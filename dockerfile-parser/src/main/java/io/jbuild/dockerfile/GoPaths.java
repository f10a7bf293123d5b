package io.jbuild.dockerfile;

/** Go's {@code path.Clean} for slash-separated paths, which Docker applies to .dockerignore patterns. */
public final class GoPaths {
    private GoPaths() {
    }

    /**
     * The shortest path equivalent to {@code path} by purely lexical processing: repeated slashes
     * collapse, {@code .} elements go, {@code ..} elements remove the element before them (and at
     * the root vanish), a trailing slash goes, and an empty result becomes {@code .}.
     */
    public static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        int n = path.length();
        StringBuilder out = new StringBuilder(n);
        int r = 0;
        int dotdot = 0;
        if (rooted) {
            out.append('/');
            r = 1;
            dotdot = 1;
        }
        while (r < n) {
            char c = path.charAt(r);
            if (c == '/') {
                r++;
            } else if (c == '.' && (r + 1 == n || path.charAt(r + 1) == '/')) {
                r++;
            } else if (c == '.' && path.charAt(r + 1) == '.' && (r + 2 == n || path.charAt(r + 2) == '/')) {
                r += 2;
                if (out.length() > dotdot) {
                    int w = out.length() - 1;
                    while (w > dotdot && out.charAt(w) != '/') {
                        w--;
                    }
                    out.setLength(w);
                } else if (!rooted) {
                    if (out.length() > 0) {
                        out.append('/');
                    }
                    out.append("..");
                    dotdot = out.length();
                }
            } else {
                if ((rooted && out.length() != 1) || (!rooted && out.length() != 0)) {
                    out.append('/');
                }
                while (r < n && path.charAt(r) != '/') {
                    out.append(path.charAt(r));
                    r++;
                }
            }
        }
        return out.length() == 0 ? "." : out.toString();
    }

    /** Go's {@code path.Dir}: everything but the last element, cleaned. */
    static String dir(String path) {
        int slash = path.lastIndexOf('/');
        return clean(path.substring(0, slash + 1));
    }
}
