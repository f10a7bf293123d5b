package io.jbuild.builder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Resolves {@code USER} and {@code COPY --chown} values against the {@code /etc/passwd} and
 * {@code /etc/group} of an image's root filesystem (read inside the root: a symlinked
 * {@code /etc/passwd} is followed within it), as runc's and BuildKit's user lookups do.
 */
final class Users {
    private static final long MAX_ID = Integer.MAX_VALUE;

    private Users() {
    }

    private record PasswdEntry(String name, int uid, int gid, String home) {
    }

    private record GroupEntry(String name, int gid, List<String> members) {
    }

    /**
     * A {@code USER} value ({@code name}, {@code uid}, either with {@code :group} or {@code :gid};
     * empty or null for root) as the container's process identity: a named user must exist in
     * passwd, a numeric one need not (its group is then 0 and its home {@code /}); a group given
     * must exist in group unless numeric; without a group, the supplementary groups are those
     * listing the user's name as a member.
     */
    static ResolvedUser resolve(Path rootfs, String user) throws BuildException {
        String spec = user == null ? "" : user;
        int colon = spec.indexOf(':');
        String userPart = colon < 0 ? spec : spec.substring(0, colon);
        String groupPart = colon < 0 ? "" : spec.substring(colon + 1);
        List<PasswdEntry> passwd = passwd(rootfs);
        Optional<Integer> uidArg = number(userPart);

        int uid = 0;
        int gid = 0;
        String home = "/";
        String matchedName = null;
        PasswdEntry match = null;
        for (PasswdEntry e : passwd) {
            if (userPart.isEmpty() ? e.uid() == 0 : uidArg.isPresent() ? e.uid() == uidArg.get() : e.name().equals(userPart)) {
                match = e;
                break;
            }
        }
        if (match != null) {
            matchedName = match.name();
            uid = match.uid();
            gid = match.gid();
            home = match.home();
        } else if (!userPart.isEmpty()) {
            if (uidArg.isEmpty()) {
                throw new BuildException("unable to find user " + userPart + ": no matching entries in passwd file");
            }
            uid = checkRange(uidArg.get(), spec);
        }

        List<Integer> additional = List.of();
        if (!groupPart.isEmpty() || matchedName != null) {
            List<GroupEntry> groups = groups(rootfs);
            if (!groupPart.isEmpty()) {
                Optional<Integer> gidArg = number(groupPart);
                Optional<GroupEntry> g = groups.stream()
                        .filter(e -> gidArg.isPresent() ? e.gid() == gidArg.get() : e.name().equals(groupPart))
                        .findFirst();
                if (g.isPresent()) {
                    gid = g.get().gid();
                } else if (gidArg.isPresent()) {
                    gid = checkRange(gidArg.get(), spec);
                } else {
                    throw new BuildException("unable to find group " + groupPart + ": no matching entries in group file");
                }
            } else {
                TreeSet<Integer> sgids = new TreeSet<>();
                for (GroupEntry g : groups) {
                    if (g.members().contains(matchedName)) {
                        sgids.add(g.gid());
                    }
                }
                additional = List.copyOf(sgids);
            }
        }
        return new ResolvedUser(uid, gid, additional, home);
    }

    /**
     * A {@code COPY --chown} value with BuildKit's semantics: {@code user} or {@code user:group},
     * each a name or an id; a numeric user without a group also gives the group id; a named user
     * gives its passwd uid and primary gid; a named group its gid. Names missing from passwd or
     * group resolve to 0 (user) or leave the group as it was, as BuildKit does. No supplementary
     * groups.
     */
    static ResolvedUser resolveChown(Path rootfs, String chown) throws BuildException {
        if (chown == null || chown.isEmpty()) {
            return new ResolvedUser(0, 0, List.of(), "/");
        }
        int colon = chown.indexOf(':');
        String userPart = colon < 0 ? chown : chown.substring(0, colon);
        String groupPart = colon < 0 ? "" : chown.substring(colon + 1);
        int uid = 0;
        int gid = 0;
        String home = "/";
        Optional<Integer> uidArg = number(userPart);
        if (uidArg.isPresent()) {
            uid = checkRange(uidArg.get(), chown);
            gid = uid;
        } else if (!userPart.isEmpty()) {
            for (PasswdEntry e : passwd(rootfs)) {
                if (e.name().equals(userPart)) {
                    uid = e.uid();
                    gid = e.gid();
                    home = e.home();
                    break;
                }
            }
        }
        if (!groupPart.isEmpty()) {
            Optional<Integer> gidArg = number(groupPart);
            if (gidArg.isPresent()) {
                gid = checkRange(gidArg.get(), chown);
            } else {
                for (GroupEntry g : groups(rootfs)) {
                    if (g.name().equals(groupPart)) {
                        gid = g.gid();
                        break;
                    }
                }
            }
        }
        return new ResolvedUser(uid, gid, List.of(), home);
    }

    private static int checkRange(long id, String spec) throws BuildException {
        if (id < 0 || id > MAX_ID) {
            throw new BuildException("resolve user " + spec + ": id " + id + " out of range");
        }
        return (int) id;
    }

    /** A decimal id; ids too large for an int give {@code -1}, which the range check rejects. */
    private static Optional<Integer> number(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return Optional.of(-1);
        }
    }

    private static List<PasswdEntry> passwd(Path rootfs) throws BuildException {
        List<PasswdEntry> entries = new ArrayList<>();
        for (String[] f : read(rootfs, "/etc/passwd")) {
            if (f.length < 1 || f[0].isEmpty()) {
                continue;
            }
            entries.add(new PasswdEntry(f[0], field(f, 2), field(f, 3), f.length > 5 ? f[5] : ""));
        }
        return entries;
    }

    private static List<GroupEntry> groups(Path rootfs) throws BuildException {
        List<GroupEntry> entries = new ArrayList<>();
        for (String[] f : read(rootfs, "/etc/group")) {
            if (f.length < 1 || f[0].isEmpty()) {
                continue;
            }
            List<String> members = new ArrayList<>();
            if (f.length > 3) {
                for (String m : f[3].split(",")) {
                    if (!m.trim().isEmpty()) {
                        members.add(m.trim());
                    }
                }
            }
            entries.add(new GroupEntry(f[0], field(f, 2), members));
        }
        return entries;
    }

    /** An id field as Go's lenient parsers read it: not a non-negative int gives 0. */
    private static int field(String[] f, int i) {
        if (f.length <= i) {
            return 0;
        }
        try {
            int v = Integer.parseInt(f[i].trim());
            return Math.max(v, 0);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The lines of a database file in the rootfs split at colons; a missing file has none. */
    private static List<String[]> read(Path rootfs, String file) throws BuildException {
        List<String[]> lines = new ArrayList<>();
        try {
            Path p = RootPaths.resolve(rootfs, file, true);
            if (!Files.isRegularFile(p)) {
                return lines;
            }
            for (String line : new String(Files.readAllBytes(p), StandardCharsets.UTF_8).split("\n")) {
                String l = line.trim();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                lines.add(l.split(":", -1));
            }
        } catch (IOException e) {
            throw new BuildException("read " + file + " in " + rootfs + ": " + e.getMessage(), e);
        }
        return lines;
    }
}
