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
        try {
            return GitRef.parse(src) != null;
        } catch (BuildException e) {
            return true; // a git source, if an invalid one: fetching it reports why
        }
    }

    /**
     * A git source: the remote as git takes it, the ref ({@code #ref}, {@code ?ref=}, {@code ?tag=},
     * {@code ?branch=}; null for the default branch), the subdirectory, the expected commit
     * ({@code ?checksum=}) and {@code ?keep-git-dir=}.
     */
    record GitRef(String remote, String ref, String subdir, String checksum, Boolean keepGitDir) {
        /** The parsed ref, or null when {@code src} is no git source; an error when it is an invalid one. */
        static GitRef parse(String src) throws BuildException {
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
            String tag = null;
            String branch = null;
            if (query != null && !query.isEmpty()) {
                java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
                for (String pair : query.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    if (values.put(key, value) != null) {
                        throw invalid(src, "query " + FileCopier.quote(key) + " has multiple values");
                    }
                    boolean flag = key.equals("submodules") || key.equals("keep-git-dir")
                            || key.equals("fetch-by-commit");
                    if (value.isEmpty() && !flag) {
                        throw invalid(src, "query " + FileCopier.quote(key) + " has no value");
                    }
                    switch (key) {
                        case "ref" -> {
                            if (ref != null && !ref.equals(value)) {
                                throw invalid(src, "ref conflicts: " + FileCopier.quote(ref) + " vs "
                                        + FileCopier.quote(value));
                            }
                            ref = value;
                        }
                        case "tag" -> tag = value.startsWith("refs/tags/") ? value : "refs/tags/" + value;
                        case "branch" -> branch = value.startsWith("refs/heads/") ? value : "refs/heads/" + value;
                        case "subdir" -> {
                            String clean = RootPaths.cleanAbsolute(value).substring(1);
                            if (subdir != null && !subdir.equals(clean)) {
                                throw invalid(src, "subdir conflicts: " + FileCopier.quote(subdir) + " vs "
                                        + FileCopier.quote(value));
                            }
                            subdir = clean.isEmpty() ? null : clean;
                        }
                        case "checksum", "commit" -> checksum = value;
                        case "keep-git-dir" -> keep = bool(src, key, value);
                        case "submodules", "fetch-by-commit" -> bool(src, key, value);
                        case "mtime" -> {
                            if (!value.equals("checkout") && !value.equals("commit")) {
                                throw invalid(src, "invalid mtime value: " + FileCopier.quote(value)
                                        + " (must be \"checkout\" or \"commit\")");
                            }
                        }
                        default -> throw invalid(src, "unexpected query " + FileCopier.quote(key));
                    }
                }
            }
            if (tag != null) {
                if (ref != null && !ref.equals(tag)) {
                    throw invalid(src, "ref conflicts: " + FileCopier.quote(ref) + " vs " + FileCopier.quote(tag));
                }
                ref = tag;
            }
            if (branch != null) {
                if (tag != null) {
                    throw invalid(src, "branch conflicts with tag");
                }
                if (ref != null && !ref.equals(branch)) {
                    throw invalid(src, "ref conflicts: " + FileCopier.quote(ref) + " vs "
                            + FileCopier.quote(branch));
                }
                ref = branch;
            }
            return new GitRef(remote, ref, subdir, checksum, keep);
        }

        private static String decode(String s) {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        }

        private static boolean bool(String src, String key, String value) throws BuildException {
            if (value.isEmpty()) {
                return true;
            }
            return switch (value) {
                case "1", "t", "T", "true", "TRUE", "True" -> true;
                case "0", "f", "F", "false", "FALSE", "False" -> false;
                default -> throw invalid(src, "invalid " + key + " value: " + FileCopier.quote(value));
            };
        }

        private static BuildException invalid(String src, String why) {
            return new BuildException("add " + src + ": " + why);
        }
    }
}
