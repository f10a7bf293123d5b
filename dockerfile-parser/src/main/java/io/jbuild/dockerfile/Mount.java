package io.jbuild.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code RUN --mount=...}, validated as BuildKit's commands_runmount.go does.
 *
 * @param type the mount type ({@code bind} when not given)
 * @param from the stage or image to take a bind/cache source from, null for the build context
 * @param source the path inside {@code from} (bind), or the secret id source (secret), null when not given
 * @param target where to mount it, null when not given (secret and ssh have defaults)
 * @param readOnly whether the mount is read-only (bind, secret and ssh default to true)
 * @param id the cache, secret or ssh id, null when not given
 * @param sharing {@code shared}, {@code private} or {@code locked} for cache mounts, null when not given
 * @param mode the file mode for cache/secret/ssh, null when not given
 * @param uid the owner for cache/secret/ssh, null when not given
 * @param gid the group for cache/secret/ssh, null when not given
 * @param required whether a missing secret or ssh agent fails the build
 * @param sizeLimit the tmpfs size in bytes, 0 when not given
 * @param env the environment variable a secret is exposed as, null when not given
 */
public record Mount(MountType type, String from, String source, String target, boolean readOnly, String id,
                    String sharing, Long mode, Long uid, Long gid, boolean required, long sizeLimit, String env) {
    public Mount {
        Objects.requireNonNull(type, "type");
    }

    private static final List<String> KEYS = List.of("type", "from", "source", "target", "readonly", "id",
            "sharing", "required", "mode", "uid", "gid", "src", "dst", "ro", "rw", "readwrite", "size", "env",
            "destination");

    /** The id BuildKit uses: the given id, else the secret source, else the target (its base name for secrets). */
    public String effectiveId() {
        if (id != null && !id.isEmpty()) {
            return id;
        }
        switch (type) {
            case SECRET:
                if (source != null && !source.isEmpty()) {
                    return source;
                }
                return target == null ? "" : baseName(target);
            case SSH:
                return "default";
            case CACHE:
                return target == null ? "" : target;
            default:
                return "";
        }
    }

    /**
     * The target BuildKit uses: the given one, else {@code /run/secrets/<id>} for a secret not
     * exposed as env, else {@code /run/buildkit/ssh_agent.<sshIndex>} for ssh.
     */
    public String effectiveTarget(int sshIndex) {
        if (target != null && !target.isEmpty()) {
            return target;
        }
        if (type == MountType.SECRET && env == null) {
            return "/run/secrets/" + baseName(effectiveId());
        }
        if (type == MountType.SSH) {
            return "/run/buildkit/ssh_agent." + sshIndex;
        }
        return target;
    }

    private static String baseName(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int slash = p.lastIndexOf('/');
        return slash >= 0 && p.length() > 1 ? p.substring(slash + 1) : p;
    }

    /**
     * Parses a mount spec. With a null expander (the parse pass) values holding {@code $} are left
     * for {@link RunInstruction#expand}, and the mount is checked only as far as it is known.
     */
    static Mount parse(String spec, WordExpander expander) throws DockerfileException {
        List<String> fields = csvFields(spec);
        boolean lenient = false;
        MountType type = MountType.BIND;
        String from = null;
        String source = null;
        String target = null;
        boolean readOnly = false;
        boolean roAuto = true;
        String id = null;
        String sharing = null;
        Long mode = null;
        Long uid = null;
        Long gid = null;
        boolean required = false;
        long size = 0;
        String env = null;
        for (String field : fields) {
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (eq < 0) {
                switch (key) {
                    case "readonly":
                    case "ro":
                        readOnly = true;
                        roAuto = false;
                        continue;
                    case "readwrite":
                    case "rw":
                        readOnly = false;
                        roAuto = false;
                        continue;
                    case "required":
                        if (type == MountType.SECRET || type == MountType.SSH) {
                            required = true;
                            continue;
                        }
                        throw Instructions.error("unexpected key '" + key + "' for mount type '" + type.word() + "'");
                    default:
                        throw Instructions.error("invalid field '" + field + "' must be a key=value pair");
                }
            }
            String value = field.substring(eq + 1);
            if (key.equals("from") && expander == null && value.matches("(?s).*\\$.+")) {
                throw Instructions.error("'from' doesn't support variable expansion, define alias stage instead");
            }
            if (expander != null) {
                value = expander.expand(value);
            } else if (value.indexOf('$') >= 0) {
                lenient = true;
                continue;
            }
            switch (key) {
                case "type":
                    try {
                        type = MountType.valueOf(value.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw Instructions.error("unsupported mount type \"" + value + "\""
                                + Suggestions.hint(value, List.of("bind", "cache", "tmpfs", "secret", "ssh"), true));
                    }
                    break;
                case "from":
                    from = value;
                    break;
                case "source":
                case "src":
                    source = value;
                    break;
                case "target":
                case "dst":
                case "destination":
                    target = value;
                    break;
                case "readonly":
                case "ro":
                    readOnly = parseBool(key, value);
                    roAuto = false;
                    break;
                case "readwrite":
                case "rw":
                    readOnly = !parseBool(key, value);
                    roAuto = false;
                    break;
                case "required":
                    if (type != MountType.SECRET && type != MountType.SSH) {
                        throw Instructions.error("unexpected key '" + key + "' for mount type '" + type.word() + "'");
                    }
                    required = parseBool(key, value);
                    break;
                case "size":
                    if (type != MountType.TMPFS) {
                        throw Instructions.error("unexpected key '" + key + "' for mount type '" + type.word() + "'");
                    }
                    size = ramInBytes(key, value);
                    break;
                case "env":
                    if (type != MountType.SECRET) {
                        throw Instructions.error("unexpected key '" + key + "' for mount type '" + type.word() + "'");
                    }
                    env = value;
                    break;
                case "id":
                    id = value;
                    break;
                case "sharing":
                    String s = value.toLowerCase(Locale.ROOT);
                    if (!s.equals("shared") && !s.equals("private") && !s.equals("locked")) {
                        throw Instructions.error("unsupported sharing value \"" + value + "\""
                                + Suggestions.hint(value, List.of("shared", "private", "locked"), true));
                    }
                    sharing = s;
                    break;
                case "mode":
                    mode = parseUnsigned(value, 8, "mode");
                    break;
                case "uid":
                    uid = parseUnsigned(value, 10, "uid");
                    break;
                case "gid":
                    gid = parseUnsigned(value, 10, "gid");
                    break;
                default:
                    throw Instructions.error("unexpected key '" + key + "' in '" + field + "'"
                            + Suggestions.hint(key, KEYS, true));
            }
        }
        if (roAuto) {
            readOnly = type != MountType.CACHE && type != MountType.TMPFS;
        }
        Mount m = new Mount(type, from, source, target, readOnly, id, sharing, mode, uid, gid, required, size, env);
        if (!lenient) {
            m.validate();
        }
        return m;
    }

    private void validate() throws DockerfileException {
        boolean fileInfoAllowed = type == MountType.SECRET || type == MountType.SSH || type == MountType.CACHE;
        String quoted = "\"" + type.word() + "\"";
        if (!fileInfoAllowed) {
            if (mode != null) {
                throw Instructions.error("mode not allowed for " + quoted + " type mounts");
            }
            if (uid != null) {
                throw Instructions.error("uid not allowed for " + quoted + " type mounts");
            }
            if (gid != null) {
                throw Instructions.error("gid not allowed for " + quoted + " type mounts");
            }
        }
        if (type == MountType.SECRET) {
            if (from != null && !from.isEmpty()) {
                throw Instructions.error("secret mount should not have a from");
            }
            if (sharing != null) {
                throw Instructions.error("secret mount should not define sharing");
            }
            if (isEmpty(source) && isEmpty(target) && isEmpty(id)) {
                throw Instructions.error("invalid secret mount. one of source, target required");
            }
            if (!isEmpty(source) && !isEmpty(id)) {
                throw Instructions.error("both source and id can't be set");
            }
        }
        if (sharing != null && type != MountType.CACHE) {
            throw Instructions.error("invalid cache sharing set for " + type.word() + " mount");
        }
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static boolean parseBool(String key, String value) throws DockerfileException {
        switch (value) {
            case "1": case "t": case "T": case "true": case "TRUE": case "True":
                return true;
            case "0": case "f": case "F": case "false": case "FALSE": case "False":
                return false;
            default:
                throw Instructions.error("invalid value for " + key + ": " + value);
        }
    }

    private static Long parseUnsigned(String value, int radix, String what) throws DockerfileException {
        try {
            if (value.isEmpty() || value.startsWith("+") || value.startsWith("-")) {
                throw new NumberFormatException();
            }
            long v = Long.parseLong(value, radix);
            if (v > 0xFFFF_FFFFL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw Instructions.error("invalid value " + value + " for " + what);
        }
    }

    /** go-units RAMInBytes: {@code 64m}, {@code 1.5GiB}, {@code 512 kb}, binary multiples. */
    static long ramInBytes(String key, String value) throws DockerfileException {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^(\\d+(?:\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$").matcher(value);
        if (!m.matches()) {
            throw Instructions.error("invalid value for " + key + ": " + value);
        }
        double n;
        try {
            n = Double.parseDouble(m.group(1));
        } catch (NumberFormatException e) {
            throw Instructions.error("invalid value for " + key + ": " + value);
        }
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int power = "kmgtp".indexOf(unit.isEmpty() ? "x" : unit) + 1;
        return (long) (n * Math.pow(1024, power));
    }

    /** One line of Go's encoding/csv: comma-separated, double-quoted fields with {@code ""} for a quote. */
    static List<String> csvFields(String line) throws DockerfileException {
        List<String> fields = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            StringBuilder sb = new StringBuilder();
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw Instructions.error("failed to parse csv mounts: extraneous or missing \" in quoted-field");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            sb.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(c);
                    }
                }
                if (i < n && line.charAt(i) != ',') {
                    throw Instructions.error("failed to parse csv mounts: extraneous or missing \" in quoted-field");
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        throw Instructions.error("failed to parse csv mounts: bare \" in non-quoted-field");
                    }
                    sb.append(c);
                }
            }
            fields.add(sb.toString());
            if (i >= n) {
                return fields;
            }
            i++;
        }
    }
}
