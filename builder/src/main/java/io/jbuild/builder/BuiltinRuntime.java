package io.jbuild.builder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The fallback when no OCI runtime is installed: namespace isolation from util-linux.
 * {@code unshare --mount --pid --ipc --uts [--net]} runs a host shell script whose first child,
 * pid 1 of the new pid namespace (the shell itself stays outside it), mounts
 * {@code /proc}, a {@code /dev} tmpfs (with the host's null, zero, full, random, urandom and tty
 * bound in, a new devpts instance, shm and mqueue), a read-only {@code /sys}, {@code /etc/hosts}
 * and {@code /etc/resolv.conf}, the spec's extra mounts, and Docker's masked and read-only paths
 * into the rootfs; sets the hostname, raises loopback for {@link NetworkMode#DEFAULT} and the
 * open-files limit; then {@code env -i} sets the container's environment, {@code setpriv} sets
 * no-new-privileges, the capability bounding set, the group and the supplementary groups, and an
 * inner {@code unshare --root --wd --setuid} enters the rootfs and the working directory and
 * becomes the user before executing the command, which so is pid 1 of the new pid namespace. The
 * shell waits for it and exits with its status (128+signal when it was killed).
 *
 * <p>What it lacks against runc: no cgroups (no {@code /sys/fs/cgroup} mount, no device access
 * control beyond the bound device nodes, no resource accounting or cleanup by cgroup), no seccomp
 * profile, the rootfs is entered with {@code chroot} rather than {@code pivot_root} (processes
 * holding root capabilities can escape a chroot, so with {@code insecure} this is no isolation at
 * all), the hosts' device nodes are bind-mounted rather than created, and stdout and stderr share
 * one pipe (so they are exactly in order, unlike with runc). It needs util-linux's
 * {@code unshare}, {@code setpriv} and {@code mount}, coreutils and a POSIX shell on the host.
 */
final class BuiltinRuntime implements ContainerRuntime {
    private static final String SCRIPT = "init.sh";
    private static final String INIT_ERROR = "init-error";
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");
    private static final long KILL_WAIT_MILLIS = 10_000;

    @Override
    public String name() {
        return "builtin";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public int run(ContainerSpec spec, Path bundleDir, OutputStream output) throws BuildException, InterruptedException {
        Tools tools = Tools.find();
        MountStubs stubs;
        Path script = bundleDir.resolve(SCRIPT);
        try {
            Files.createDirectories(bundleDir);
            stubs = MountStubs.scan(spec.rootfs(), OciBundle.rootfsMountPoints(spec));
        } catch (IOException e) {
            throw new BuildException("prepare container " + spec.id() + ": " + e.getMessage(), e);
        }
        try {
            try {
                checkExecutable(spec);
                Files.writeString(bundleDir.resolve(OciBundle.HOSTS), OciBundle.hosts(spec.hostname()));
                Files.writeString(bundleDir.resolve(OciBundle.RESOLV_CONF),
                        OciBundle.resolvConf(OciBundle.hostResolvConf(), spec.network()));
                Files.writeString(script, script(spec, bundleDir, tools));
                Path cwd = RootPaths.resolve(spec.rootfs(), spec.cwd(), true);
                Files.createDirectories(cwd);
            } catch (IOException e) {
                throw new BuildException("prepare container " + spec.id() + ": " + e.getMessage(), e);
            }
            List<String> command = new ArrayList<>(List.of(tools.unshare, "--mount", "--propagation", "private",
                    "--pid", "--ipc", "--uts"));
            if (spec.network() != NetworkMode.HOST) {
                command.add("--net");
            }
            command.addAll(List.of("--", tools.sh, script.toString()));
            ContainerProcess process;
            try {
                process = ContainerProcess.start(command, Map.of("PATH", DEFAULT_PATH, "LC_ALL", "C"), bundleDir,
                        output, "builtin " + spec.id());
            } catch (IOException e) {
                throw new BuildException("start container " + spec.id() + ": " + e.getMessage(), e);
            }
            int status;
            try {
                status = process.waitFor();
            } catch (InterruptedException e) {
                kill(process);
                throw e;
            } catch (IOException e) {
                kill(process);
                throw new BuildException("copy output of container " + spec.id() + ": " + e.getMessage(), e);
            }
            Path error = bundleDir.resolve(INIT_ERROR);
            if (Files.exists(error)) {
                String message;
                try {
                    message = Files.readString(error, StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    message = "exit status " + status;
                }
                throw new BuildException("run container " + spec.id() + " with the built-in runtime: " + message);
            }
            return status;
        } finally {
            stubs.remove();
        }
    }

    /** Kills the namespace's init (which takes every process in it along) and the shell waiting for it. */
    private static void kill(ContainerProcess process) {
        List<ProcessHandle> init = new ArrayList<>();
        ProcessHandle.of(process.pid()).ifPresent(h -> {
            // stopped, the shell cannot fork pid 1 after we looked for it
            Signals.stop(h.pid());
            h.children().forEach(init::add);
            init.forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        });
        process.awaitOrKill(KILL_WAIT_MILLIS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_WAIT_MILLIS);
        for (ProcessHandle h : init) {
            while (!hasExited(h.pid()) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Whether the process is gone or a zombie: it has then left its namespaces (so its mounts are
     * gone), even before whoever inherited it reaps it.
     */
    private static boolean hasExited(long pid) {
        try {
            String stat;
            // not Files.readString: it can read procfs files short
            try (InputStream in = Files.newInputStream(Path.of("/proc/" + pid + "/stat"))) {
                stat = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) == 'Z' || stat.charAt(close + 2) == 'X';
        } catch (IOException e) {
            return true;
        }
    }

    /** Fails as runc would when {@code args[0]} is not an executable file in the rootfs. */
    private static void checkExecutable(ContainerSpec spec) throws IOException, BuildException {
        String program = spec.args().get(0);
        if (program.contains("/")) {
            Path p = RootPaths.resolve(spec.rootfs(), program.startsWith("/") ? program : spec.cwd() + "/" + program, true);
            if (!Files.isRegularFile(p)) {
                throw new BuildException("run container " + spec.id() + ": exec: \"" + program
                        + "\": stat " + program + ": no such file or directory");
            }
            return;
        }
        String path = DEFAULT_PATH;
        for (String e : spec.env()) {
            if (e.startsWith("PATH=")) {
                path = e.substring(5);
            }
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                dir = ".";
            }
            String full = (dir.startsWith("/") ? dir : spec.cwd() + "/" + dir) + "/" + program;
            Path p = RootPaths.resolve(spec.rootfs(), full, true);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return;
            }
        }
        throw new BuildException("run container " + spec.id() + ": exec: \"" + program
                + "\": executable file not found in $PATH");
    }

    /** The host script that sets the container up inside the new namespaces and executes the command. */
    static String script(ContainerSpec spec, Path bundleDir, Tools tools) throws IOException {
        Path rootfs = spec.rootfs().toAbsolutePath();
        StringBuilder s = new StringBuilder();
        s.append("# generated by jbuild: set up container ").append(spec.id()).append('\n');
        s.append("E=").append(Shell.quote(bundleDir.toAbsolutePath().resolve(INIT_ERROR).toString())).append('\n');
        s.append("fail() { printf '%s\\n' \"$1\" > \"$E\"; exit 125; }\n");
        s.append("M=").append(Shell.quote(tools.mount)).append('\n');
        s.append("R=").append(Shell.quote(rootfs.toString())).append('\n');
        s.append("# the first child is pid 1 of the new pid namespace: it sets up and becomes the command\n");
        s.append("(\n");
        String proc = q(rootfs, spec, "/proc");
        String dev = q(rootfs, spec, "/dev");
        String sys = q(rootfs, spec, "/sys");
        s.append("mkdir -p ").append(proc).append(' ').append(dev).append(' ').append(sys)
                .append(" || fail 'create mount points'\n");
        s.append("\"$M\" -t proc -o nosuid,noexec,nodev proc ").append(proc).append(" || fail 'mount /proc'\n");
        s.append("\"$M\" -t tmpfs -o nosuid,strictatime,mode=755,size=65536k tmpfs ").append(dev)
                .append(" || fail 'mount /dev'\n");
        s.append("D=").append(dev).append('\n');
        for (String d : DEVICES) {
            s.append("if [ -e /dev/").append(d).append(" ]; then : > \"$D/").append(d).append("\" && \"$M\" --bind /dev/")
                    .append(d).append(" \"$D/").append(d).append("\" || fail 'bind /dev/").append(d).append("'; fi\n");
        }
        s.append("mkdir \"$D/pts\" \"$D/shm\" \"$D/mqueue\" || fail 'create /dev directories'\n");
        s.append("\"$M\" -t devpts -o nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5 devpts \"$D/pts\""
                + " || fail 'mount /dev/pts'\n");
        s.append("\"$M\" -t tmpfs -o nosuid,noexec,nodev,mode=1777,size=65536k shm \"$D/shm\" || fail 'mount /dev/shm'\n");
        s.append("\"$M\" -t mqueue -o nosuid,noexec,nodev mqueue \"$D/mqueue\" || fail 'mount /dev/mqueue'\n");
        s.append("ln -s pts/ptmx \"$D/ptmx\" && ln -s /proc/self/fd \"$D/fd\" && ln -s /proc/self/fd/0 \"$D/stdin\""
                + " && ln -s /proc/self/fd/1 \"$D/stdout\" && ln -s /proc/self/fd/2 \"$D/stderr\""
                + " || fail 'create /dev links'\n");
        s.append("\"$M\" -t sysfs -o ro,nosuid,noexec,nodev sysfs ").append(sys).append(" || fail 'mount /sys'\n");
        Path bundle = bundleDir.toAbsolutePath();
        bindFile(s, bundle.resolve(OciBundle.HOSTS), rootfs, spec, "/etc/hosts");
        bindFile(s, bundle.resolve(OciBundle.RESOLV_CONF), rootfs, spec, "/etc/resolv.conf");
        for (ContainerMount m : spec.mounts()) {
            extraMount(s, m, rootfs, spec);
        }
        if (!spec.insecure()) {
            for (String p : OciBundle.MASKED_PATHS) {
                String t = q(rootfs, spec, p);
                s.append("if [ -d ").append(t).append(" ]; then \"$M\" -t tmpfs -o ro,nosuid,nodev,noexec tmpfs ").append(t)
                        .append(" || fail 'mask ").append(p).append("'; elif [ -e ").append(t).append(" ]; then \"$M\" --bind /dev/null ")
                        .append(t).append(" || fail 'mask ").append(p).append("'; fi\n");
            }
            for (String p : OciBundle.READONLY_PATHS) {
                String t = q(rootfs, spec, p);
                s.append("if [ -e ").append(t).append(" ]; then \"$M\" --bind ").append(t).append(' ').append(t)
                        .append(" && \"$M\" -o remount,bind,ro,nosuid,nodev,noexec ").append(t)
                        .append(" || fail 'make ").append(p).append(" read-only'; fi\n");
            }
        }
        s.append("printf '%s' ").append(Shell.quote(spec.hostname()))
                .append(" > /proc/sys/kernel/hostname || fail 'set the hostname'\n");
        if (spec.network() == NetworkMode.DEFAULT) {
            if (tools.ip.isEmpty()) {
                s.append("fail 'bring loopback up: no ip command on the host'\n");
            } else {
                s.append(words(tools.ip.get())).append(" link set lo up || fail 'bring loopback up'\n");
            }
        }
        s.append("ulimit -n ").append(OciBundle.nofileLimit()).append(" 2>/dev/null || true\n");
        s.append("umask ").append(String.format("%04o", OciBundle.UMASK)).append('\n');

        List<String> exec = new ArrayList<>(List.of(tools.env, "-i"));
        exec.addAll(OciBundle.environment(spec));
        exec.add(tools.setpriv);
        exec.add("--nnp");
        exec.add("--inh-caps=-all");
        if (!spec.insecure()) {
            StringBuilder bounding = new StringBuilder("--bounding-set=-all");
            for (String c : Capabilities.DEFAULT) {
                bounding.append(",+").append(c.substring(4).toLowerCase(Locale.ROOT));
            }
            exec.add(bounding.toString());
        }
        exec.add("--regid=" + spec.user().gid());
        if (spec.user().additionalGids().isEmpty()) {
            exec.add("--clear-groups");
        } else {
            StringBuilder groups = new StringBuilder("--groups=");
            for (int i = 0; i < spec.user().additionalGids().size(); i++) {
                groups.append(i > 0 ? "," : "").append(spec.user().additionalGids().get(i));
            }
            exec.add(groups.toString());
        }
        exec.addAll(List.of("--", tools.unshare, "--root=" + rootfs, "--wd=" + spec.cwd()));
        if (spec.user().uid() != 0) {
            exec.add("--setuid=" + spec.user().uid());
        }
        exec.add("--");
        exec.addAll(spec.args());
        s.append("exec ").append(words(exec)).append('\n');
        s.append(") &\n");
        s.append("wait $!\n");
        s.append("exit $?\n");
        return s.toString();
    }

    private static void bindFile(StringBuilder s, Path source, Path rootfs, ContainerSpec spec, String destination)
            throws IOException {
        String t = q(rootfs, spec, destination);
        s.append("mkdir -p \"$(dirname ").append(t).append(")\" && { [ -e ").append(t).append(" ] || : > ").append(t)
                .append("; } && \"$M\" --bind ").append(Shell.quote(source.toString())).append(' ').append(t)
                .append(" && \"$M\" -o remount,bind,ro,nosuid,nodev,noexec ").append(t)
                .append(" || fail 'mount ").append(destination).append("'\n");
    }

    private static void extraMount(StringBuilder s, ContainerMount m, Path rootfs, ContainerSpec spec) throws IOException {
        String t = q(rootfs, spec, m.destination());
        List<String> flags = new ArrayList<>();
        List<String> data = new ArrayList<>();
        boolean recursive = !m.options().contains("bind");
        for (String o : m.options()) {
            switch (o) {
                case "bind":
                case "rbind":
                case "rw":
                case "private":
                case "rprivate":
                case "slave":
                case "rslave":
                case "shared":
                case "rshared":
                    break;
                case "ro":
                case "nosuid":
                case "nodev":
                case "noexec":
                case "relatime":
                case "noatime":
                case "strictatime":
                    flags.add(o);
                    break;
                default:
                    data.add(o);
            }
        }
        String what = "mount " + m.destination();
        if (m.type().equals("bind")) {
            String source = Shell.quote(m.source().toAbsolutePath().toString());
            s.append("if [ -d ").append(source).append(" ]; then mkdir -p ").append(t).append("; else mkdir -p \"$(dirname ")
                    .append(t).append(")\" && { [ -e ").append(t).append(" ] || : > ").append(t).append("; }; fi || fail ")
                    .append(Shell.quote(what)).append('\n');
            s.append("\"$M\" ").append(recursive ? "--rbind " : "--bind ").append(source).append(' ').append(t)
                    .append(" || fail ").append(Shell.quote(what)).append('\n');
            if (!flags.isEmpty()) {
                s.append("\"$M\" -o ").append(Shell.quote("remount,bind," + String.join(",", flags))).append(' ').append(t)
                        .append(" || fail ").append(Shell.quote(what)).append('\n');
            }
        } else {
            List<String> options = new ArrayList<>(flags);
            options.addAll(data);
            String source = m.source() != null ? m.source().toString() : m.type();
            s.append("mkdir -p ").append(t).append(" && \"$M\" -t ").append(Shell.quote(m.type()));
            if (!options.isEmpty()) {
                s.append(" -o ").append(Shell.quote(String.join(",", options)));
            }
            s.append(' ').append(Shell.quote(source)).append(' ').append(t).append(" || fail ")
                    .append(Shell.quote(what)).append('\n');
        }
    }

    /** The quoted host path of a container path, resolved inside the rootfs. */
    private static String q(Path rootfs, ContainerSpec spec, String containerPath) throws IOException {
        return Shell.quote(RootPaths.resolve(rootfs, containerPath, true).toString());
    }

    private static String words(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(Shell.quote(w));
        }
        return b.toString();
    }

    /** The host programs the built-in runtime needs. */
    static final class Tools {
        final String unshare;
        final String setpriv;
        final String mount;
        final String env;
        final String sh;
        final Optional<List<String>> ip;

        Tools(String unshare, String setpriv, String mount, String env, String sh, Optional<List<String>> ip) {
            this.unshare = unshare;
            this.setpriv = setpriv;
            this.mount = mount;
            this.env = env;
            this.sh = sh;
            this.ip = ip;
        }

        static Tools find() throws BuildException {
            List<String> missing = new ArrayList<>();
            String unshare = require("unshare", missing);
            String setpriv = require("setpriv", missing);
            String mount = require("mount", missing);
            String env = require("env", missing);
            String sh = require("sh", missing);
            if (!missing.isEmpty()) {
                throw new BuildException("run RUN steps with the built-in runtime: the host lacks " + String.join(", ", missing)
                        + "; install runc or util-linux");
            }
            return new Tools(unshare, setpriv, mount, env, sh, HostTools.command("ip"));
        }

        private static String require(String name, List<String> missing) {
            Optional<Path> p = HostTools.find(name);
            if (p.isEmpty()) {
                missing.add(name);
                return null;
            }
            return p.get().toString();
        }
    }
}
