package io.jbuild.builder;

import java.util.List;

/**
 * A USER (or {@code --chown}) resolved against the image's {@code /etc/passwd} and {@code /etc/group}.
 *
 * @param uid the user id
 * @param gid the primary group id
 * @param additionalGids supplementary group ids (from {@code /etc/group} membership), ascending
 * @param home the home directory from {@code /etc/passwd}, {@code /} when unknown
 */
public record ResolvedUser(int uid, int gid, List<Integer> additionalGids, String home) {
    public static final ResolvedUser ROOT = new ResolvedUser(0, 0, List.of(), "/root");

    public ResolvedUser {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("negative uid/gid " + uid + ":" + gid);
        }
        additionalGids = List.copyOf(additionalGids);
        home = home == null || home.isEmpty() ? "/" : home;
    }
}
