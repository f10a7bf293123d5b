package io.jbuild.builder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuiltinRuntimeTest {
    private static final BuiltinRuntime.Tools TOOLS = new BuiltinRuntime.Tools("/usr/bin/unshare", "/usr/bin/setpriv",
            "/usr/bin/mount", "/usr/bin/env", "/bin/sh", Optional.of(List.of("/usr/sbin/ip")));

    @TempDir
    Path tmp;

    private String script(ResolvedUser user, NetworkMode network, boolean insecure, List<String> env) throws Exception {
        Path rootfs = Files.createDirectories(tmp.resolve("root fs's"));
        ContainerSpec spec = new ContainerSpec("c1", rootfs, List.of("/bin/sh", "-c", "echo 'it''s' $HOME"), env, "/src",
                user, "buildhost", network, List.of(), insecure);
        return BuiltinRuntime.script(spec, tmp.resolve("bundle"), TOOLS);
    }

    @Test
    void script_root_keepsUidAndLimitsCapabilities() throws Exception {
        String s = script(ResolvedUser.ROOT, NetworkMode.DEFAULT, false, List.of("PATH=/bin"));
        assertTrue(s.contains("'--bounding-set=-all,+chown,+dac_override,+fsetid,+fowner,+mknod,+net_raw,+setgid,"
                + "+setuid,+setfcap,+setpcap,+net_bind_service,+sys_chroot,+kill,+audit_write'"), s);
        assertTrue(s.contains("'--regid=0' '--clear-groups'"), s);
        assertFalse(s.contains("--setuid"), s);
        assertTrue(s.contains("'--nnp'"), s);
        assertTrue(s.contains("'/usr/sbin/ip' link set lo up"), s);
    }

    @Test
    void script_user_setsGroupsAndUid() throws Exception {
        String s = script(new ResolvedUser(1000, 100, List.of(5, 50), "/home/app"), NetworkMode.NONE, false, List.of());
        assertTrue(s.contains("'--regid=100' '--groups=5,50'"), s);
        assertTrue(s.contains("'--setuid=1000'"), s);
        assertTrue(s.contains("'HOME=/home/app'"), s);
        assertFalse(s.contains("link set lo up"), s);
    }

    @Test
    void script_valuesWithQuotes_areSingleQuotedWords() throws Exception {
        String s = script(ResolvedUser.ROOT, NetworkMode.HOST, false, List.of("A=it's $HOME"));
        assertTrue(s.contains("'A=it'\\''s $HOME'"), s);
        assertTrue(s.contains("'echo '\\''it'\\'''\\''s'\\'' $HOME'"), s);
        assertTrue(s.contains("root fs'\\''s"), s);
    }

    @Test
    void script_insecure_keepsAllCapabilitiesAndPaths() throws Exception {
        String s = script(ResolvedUser.ROOT, NetworkMode.DEFAULT, true, List.of());
        assertFalse(s.contains("--bounding-set"), s);
        assertFalse(s.contains("/proc/kcore"), s);
        assertFalse(s.contains("remount,bind,ro,nosuid,nodev,noexec '" + tmp + "/root fs'\\''s/proc/sys'"), s);
    }

    @Test
    void script_default_masksAndCwd() throws Exception {
        String s = script(ResolvedUser.ROOT, NetworkMode.DEFAULT, false, List.of());
        assertTrue(s.contains("/proc/kcore"), s);
        assertTrue(s.contains("'--wd=/src'"), s);
        assertTrue(s.contains("umask 0022"), s);
        assertTrue(s.endsWith(") &\nwait $!\nexit $?\n"), s);
    }
}
