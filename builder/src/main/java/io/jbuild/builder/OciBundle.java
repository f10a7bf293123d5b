package io.jbuild.builder;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jbuild.layerstore.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An OCI runtime bundle for a {@link ContainerSpec}: {@code config.json} with the container
 * Docker and BuildKit would run for a RUN step (namespaces, the standard mounts, masked and
 * read-only paths, the default capabilities, no new privileges), plus the {@code hosts} and
 * {@code resolv.conf} files it bind-mounts read-only over the rootfs's.
 *
 * <p>{@code /etc/resolv.conf} is the host's for {@link NetworkMode#HOST}; with a network
 * namespace of its own the container has only loopback, so it gets the host's file without the
 * loopback name servers (which would be the container's own, unreachable).
 */
final class OciBundle {
    static final String CONFIG = "config.json";
    static final String HOSTS = "hosts";
    static final String RESOLV_CONF = "resolv.conf";

    /** Docker's masked paths: an empty file or directory is mounted over each. */
    static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    /** Docker's read-only paths (with {@code /proc/asound} read-only, as containerd has it). */
    static final List<String> READONLY_PATHS = List.of("/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
            "/proc/sys", "/proc/sysrq-trigger");
    static final long NOFILE = 1048576;
    /** 0022, as Docker's containers have it, whatever the builder's own umask. */
    static final int UMASK = 0022;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OciBundle() {
    }

    /**
     * Writes {@code config.json}, {@code hosts} and {@code resolv.conf} into {@code bundleDir}.
     *
     * @param createRuntimeHook a host command (argv, the program's absolute path first) that gets the container state on stdin and runs
     *        once the namespaces exist; empty for none
     */
    static void write(ContainerSpec spec, Path bundleDir, List<String> createRuntimeHook) throws IOException {
        Files.createDirectories(bundleDir);
        Path hosts = bundleDir.resolve(HOSTS);
        Path resolv = bundleDir.resolve(RESOLV_CONF);
        Files.writeString(hosts, hosts(spec.hostname()));
        Files.writeString(resolv, resolvConf(hostResolvConf(), spec.network()));
        ObjectNode config = config(spec, hosts, resolv, createRuntimeHook, nofileLimit());
        Files.write(bundleDir.resolve(CONFIG), Json.write(config));
    }

    /** The container paths the bundle mounts something on that lie in the rootfs itself. */
    static List<String> rootfsMountPoints(ContainerSpec spec) {
        List<String> points = new ArrayList<>(List.of("/proc", "/dev", "/sys", "/etc/hosts", "/etc/resolv.conf"));
        for (ContainerMount m : spec.mounts()) {
            points.add(m.destination());
        }
        return points;
    }

    static ObjectNode config(ContainerSpec spec, Path hosts, Path resolv, List<String> createRuntimeHook, long nofile) {
        ObjectNode config = NODES.objectNode();
        config.put("ociVersion", "1.0.2");
        config.set("process", process(spec, nofile));
        ObjectNode root = config.putObject("root");
        root.put("path", spec.rootfs().toAbsolutePath().toString());
        root.put("readonly", false);
        config.put("hostname", spec.hostname());
        config.set("mounts", mounts(spec, hosts, resolv));
        if (!createRuntimeHook.isEmpty()) {
            ObjectNode hook = config.putObject("hooks").putArray("createRuntime").addObject();
            hook.put("path", createRuntimeHook.get(0));
            hook.set("args", strings(createRuntimeHook));
        }
        ObjectNode linux = config.putObject("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String ns : spec.network() == NetworkMode.HOST
                ? List.of("pid", "ipc", "uts", "mount") : List.of("pid", "network", "ipc", "uts", "mount")) {
            namespaces.addObject().put("type", ns);
        }
        linux.putObject("resources").putArray("devices").addObject().put("allow", false).put("access", "rwm");
        if (!spec.insecure()) {
            linux.set("maskedPaths", strings(MASKED_PATHS));
            linux.set("readonlyPaths", strings(READONLY_PATHS));
        }
        return config;
    }

    private static ObjectNode process(ContainerSpec spec, long nofile) {
        ObjectNode process = NODES.objectNode();
        process.put("terminal", false);
        ObjectNode user = process.putObject("user");
        user.put("uid", spec.user().uid());
        user.put("gid", spec.user().gid());
        user.put("umask", UMASK);
        if (!spec.user().additionalGids().isEmpty()) {
            ArrayNode gids = user.putArray("additionalGids");
            spec.user().additionalGids().forEach(gids::add);
        }
        process.set("args", strings(spec.args()));
        process.set("env", strings(environment(spec)));
        process.put("cwd", spec.cwd());
        List<String> caps = spec.insecure() ? Capabilities.ofThisProcess() : Capabilities.DEFAULT;
        ObjectNode capabilities = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            capabilities.set(set, strings(caps));
        }
        ObjectNode rlimit = process.putArray("rlimits").addObject();
        rlimit.put("type", "RLIMIT_NOFILE");
        rlimit.put("hard", nofile);
        rlimit.put("soft", nofile);
        process.put("noNewPrivileges", true);
        return process;
    }

    /** The spec's environment, with {@code HOME} from the user's passwd entry when it has none (as Docker). */
    static List<String> environment(ContainerSpec spec) {
        for (String e : spec.env()) {
            if (e.startsWith("HOME=")) {
                return spec.env();
            }
        }
        List<String> env = new ArrayList<>(spec.env());
        env.add("HOME=" + spec.user().home());
        return env;
    }

    private static ArrayNode mounts(ContainerSpec spec, Path hosts, Path resolv) {
        ArrayNode mounts = NODES.arrayNode();
        mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620", "gid=5");
        mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro");
        mount(mounts, "/etc/hosts", "bind", hosts.toAbsolutePath().toString(), "rbind", "ro", "nosuid", "nodev",
                "noexec");
        mount(mounts, "/etc/resolv.conf", "bind", resolv.toAbsolutePath().toString(), "rbind", "ro", "nosuid",
                "nodev", "noexec");
        for (ContainerMount m : spec.mounts()) {
            List<String> options = new ArrayList<>(m.options());
            String source;
            if (m.type().equals("bind")) {
                source = m.source().toAbsolutePath().toString();
                if (!options.contains("bind") && !options.contains("rbind")) {
                    options.add(0, "rbind");
                }
            } else {
                source = m.source() != null ? m.source().toString() : m.type();
            }
            mount(mounts, m.destination(), m.type(), source, options.toArray(new String[0]));
        }
        return mounts;
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
        ObjectNode m = mounts.addObject();
        m.put("destination", destination);
        m.put("type", type);
        m.put("source", source);
        if (options.length > 0) {
            m.set("options", strings(List.of(options)));
        }
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = NODES.arrayNode();
        values.forEach(a::add);
        return a;
    }

    /** localhost and the container's hostname on the IPv4 and IPv6 loopback addresses. */
    static String hosts(String hostname) {
        StringBuilder b = new StringBuilder();
        b.append("127.0.0.1\tlocalhost\n");
        b.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        if (!hostname.isEmpty() && !hostname.equals("localhost")) {
            b.append("127.0.0.1\t").append(hostname).append('\n');
            b.append("::1\t").append(hostname).append('\n');
        }
        return b.toString();
    }

    /**
     * The container's {@code resolv.conf}: the host's for the host network, else the host's
     * without loopback name servers.
     */
    static String resolvConf(String host, NetworkMode network) {
        if (network == NetworkMode.HOST) {
            return host;
        }
        StringBuilder b = new StringBuilder();
        for (String line : host.split("\n", -1)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && fields[0].equals("nameserver") && isLoopback(fields[1])) {
                continue;
            }
            b.append(line).append('\n');
        }
        String s = b.toString();
        while (s.endsWith("\n\n")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.equals("\n") ? "" : s;
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
    }

    /** The host's {@code /etc/resolv.conf}, empty when it has none. */
    static String hostResolvConf() {
        try {
            return Files.readString(Path.of("/etc/resolv.conf"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * {@code RLIMIT_NOFILE} for the container: Docker's 1048576 (at most the kernel's
     * {@code fs.nr_open}); without CAP_SYS_RESOURCE a runtime cannot raise the hard limit, so then
     * at most this process's own.
     */
    static long nofileLimit() {
        long limit = NOFILE;
        try {
            // not Files.readString: on this procfs file it reads one byte (JDK 17)
            limit = Math.min(limit, Long.parseLong(Files.readAllLines(Path.of("/proc/sys/fs/nr_open")).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            // keep Docker's
        }
        if (Capabilities.effectiveOfThisProcess().contains("CAP_SYS_RESOURCE")) {
            return limit;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    if (!f[1].equals("unlimited")) {
                        return Math.min(limit, Long.parseLong(f[1]));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return limit;
    }
}
