package io.jbuild.builder;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells ADD's remote sources from local paths as BuildKit does ({@code dfgitutil.ParseGitRef},
 * {@code isHTTPSource}): a git source is an {@code ssh://} or {@code git://} URL, an http(s) URL
 * whose path ends in {@code .git}, or an scp-style {@code user@host:path}; other http(s) URLs are
 * downloads; everything else is a path in the source root.
 */
final class RemoteSources {
    private static final Pattern PROTOCOL = Pattern.compile("^[a-zA-Z0-9]+://");
    private static final Pattern SCP = Pattern.compile("^([a-zA-Z0-9-_]+)@([a-zA-Z0-9-.]+):(.*?)(?:\\?(.*?))?(?:#(.*))?$");
    private static final Set<String> GIT_PROTOCOLS = Set.of("http", "https", "ssh", "git");

    private RemoteSources() {
    }

    static boolean isHttp(String src) {
        return (src.startsWith("http://") || src.startsWith("https://")) && !isGit(src);
    }

    static boolean isGit(String src) {
        return GitRef.parse(src) != null;
    }

    /**
     * A git source: the remote as git takes it, the ref ({@code #ref}, {@code ?ref=}, {@code ?tag=},
     * {@code ?branch=}; null for the default branch), the subdirectory, the expected commit
     * ({@code ?checksum=}) and {@code ?keep-git-dir=}.
     */
    record GitRef(String remote, String ref, String subdir, String checksum, Boolean keepGitDir) {
        /** The parsed ref, or null when {@code src} is no git source. */
        static GitRef parse(String src) {
            if (src.startsWith("./") || src.startsWith("../") || src.startsWith("github.com/")) {
                return null;
            }
            String query;
            String fragment;
            String remote;
            Matcher proto = PROTOCOL.matcher(src);
            if (proto.find()) {
                String scheme = proto.group().substring(0, proto.group().length() - 3).toLowerCase(Locale.ROOT);
                if (!GIT_PROTOCOLS.contains(scheme)) {
                    return null;
                }
                URI uri;
                try {
                    uri = new URI(src);
                } catch (URISyntaxException e) {
                    return null;
                }
                if ((scheme.equals("http") || scheme.equals("https"))
                        && (uri.getPath() == null || !uri.getPath().endsWith(".git"))) {
                    return null;
                }
                query = uri.getRawQuery();
                fragment = uri.getFragment();
                int cut = src.length();
                int q = src.indexOf('?');
                int h = src.indexOf('#');
                if (q >= 0) {
                    cut = Math.min(cut, q);
                }
                if (h >= 0) {
                    cut = Math.min(cut, h);
                }
                remote = src.substring(0, cut);
            } else {
                Matcher scp = SCP.matcher(src);
                if (!scp.matches()) {
                    return null;
                }
                query = scp.group(4);
                fragment = scp.group(5);
                remote = scp.group(1) + "@" + scp.group(2) + ":" + scp.group(3);
            }
            String ref = null;
            String subdir = null;
            if (fragment != null && !fragment.isEmpty()) {
                int colon = fragment.indexOf(':');
                ref = colon < 0 ? fragment : fragment.substring(0, colon);
                subdir = colon < 0 ? null : RootPaths.cleanAbsolute(fragment.substring(colon + 1)).substring(1);
                if (ref.isEmpty()) {
                    ref = null;
                }
                if (subdir != null && subdir.isEmpty()) {
                    subdir = null;
                }
            }
            String checksum = null;
            Boolean keep = null;
            if (query != null && !query.isEmpty()) {
                for (String pair : query.split("&")) {
                    int eq = pair.indexOf('=');
                    String key = eq < 0 ? pair : pair.substring(0, eq);
                    String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1),
                            java.nio.charset.StandardCharsets.UTF_8);
                    switch (key) {
                        case "ref", "tag", "branch" -> ref = value;
                        case "subdir" -> subdir = RootPaths.cleanAbsolute(value).substring(1);
                        case "checksum", "commit" -> checksum = value;
                        case "keep-git-dir" -> keep = value.isEmpty() || Boolean.parseBoolean(value);
                        default -> { }
                    }
                }
            }
            return new GitRef(remote, ref, subdir, checksum, keep);
        }
    }
}
