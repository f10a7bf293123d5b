package io.jbuild.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Linux capability names as OCI specs write them ({@code CAP_CHOWN}), and the sets containers get. */
final class Capabilities {
    /** The kernel's capabilities by number (capability.h, up to CAP_CHECKPOINT_RESTORE = 40). */
    static final List<String> ALL = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    /** Docker's and BuildKit's default set (mask {@code 00000000a80425fb}). */
    static final List<String> DEFAULT = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private static volatile List<String> bounding;
    private static volatile List<String> effective;

    private Capabilities() {
    }

    /**
     * The capabilities in this process's bounding set: "all capabilities" for an insecure
     * container, since a runtime cannot grant one it does not have itself.
     */
    static List<String> ofThisProcess() {
        List<String> b = bounding;
        if (b == null) {
            b = read("CapBnd:");
            bounding = b;
        }
        return b;
    }

    /** The capabilities this process has in effect. */
    static List<String> effectiveOfThisProcess() {
        List<String> e = effective;
        if (e == null) {
            e = read("CapEff:");
            effective = e;
        }
        return e;
    }

    private static List<String> read(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return fromMask(Long.parseUnsignedLong(line.substring(field.length()).trim(), 16));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return ALL;
    }

    static List<String> fromMask(long mask) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ALL.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                names.add(ALL.get(i));
            }
        }
        return List.copyOf(names);
    }

    static long mask(List<String> names) {
        long m = 0;
        for (String n : names) {
            int i = ALL.indexOf(n);
            if (i >= 0) {
                m |= 1L << i;
            }
        }
        return m;
    }
}
