package io.jbuild.builder;

import io.jbuild.layerstore.OverlayMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs real containers (as root) with runc and with the built-in isolation. */
class ContainerRuntimeIT {
    private static final List<String> PATH = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    private static final ResolvedUser APP = new ResolvedUser(1000, 1000, List.of(50), "/home/app");
    private static int counter;

    @TempDir
    Path tmp;

    static Stream<ContainerRuntime> runtimes() {
        return Stream.of(new RuncRuntime(HostTools.find("runc").orElseThrow()), new BuiltinRuntime());
    }

    private record Result(int status, String output) {
    }

    private Path rootfs() throws IOException {
        return TestRootfs.busybox(Files.createDirectories(tmp.resolve("rootfs")));
    }

    private static ContainerSpec spec(Path rootfs, String script) {
        return spec(rootfs, script, ResolvedUser.ROOT, NetworkMode.DEFAULT, List.of(), false);
    }

    private static ContainerSpec spec(Path rootfs, String script, ResolvedUser user, NetworkMode network,
                                      List<ContainerMount> mounts, boolean insecure) {
        return new ContainerSpec("jbuild-it-" + ProcessHandle.current().pid() + "-" + (++counter), rootfs,
                List.of("/bin/sh", "-c", script), PATH, "/", user, "buildhost", network, mounts, insecure);
    }

    private Result run(ContainerRuntime runtime, ContainerSpec spec) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path bundle = Files.createTempDirectory(tmp, "bundle");
        int status = runtime.run(spec, bundle, out);
        return new Result(status, out.toString(StandardCharsets.UTF_8));
    }

    private String output(ContainerRuntime runtime, ContainerSpec spec) throws Exception {
        Result r = run(runtime, spec);
        assertEquals(0, r.status(), r.output());
        return r.output();
    }

    /**
     * runc copies a foreground container's stdout and stderr through two pipes of its own, so the
     * two are in order only when written a moment apart (as with BuildKit).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_stdoutAndStderr_streamedInOrderAsWritten(ContainerRuntime runtime) throws Exception {
        List<Long> firstWrite = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                if (firstWrite.isEmpty()) {
                    firstWrite.add(System.nanoTime());
                }
                all.write(b, off, len);
            }
        };
        ContainerSpec spec = spec(rootfs(), "echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three; sleep 0.3; echo four >&2");
        int status = runtime.run(spec, Files.createTempDirectory(tmp, "bundle"), out);
        long end = System.nanoTime();
        assertEquals(0, status);
        assertEquals("one\ntwo\nthree\nfour\n", all.toString(StandardCharsets.UTF_8));
        assertTrue(end - firstWrite.get(0) > TimeUnit.MILLISECONDS.toNanos(400), "output arrived only at the end");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_failingCommand_returnsExitCode(ContainerRuntime runtime) throws Exception {
        Result r = run(runtime, spec(rootfs(), "echo failing; exit 3"));
        assertEquals(3, r.status());
        assertEquals("failing\n", r.output());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_missingExecutable_throwsNamingIt(ContainerRuntime runtime) throws Exception {
        Path rootfs = rootfs();
        ContainerSpec spec = new ContainerSpec("jbuild-it-" + ProcessHandle.current().pid() + "-" + (++counter),
                rootfs, List.of("no-such-program"), PATH, "/", ResolvedUser.ROOT, "h", NetworkMode.DEFAULT,
                List.of(), false);
        BuildException e = assertThrows(BuildException.class, () -> run(runtime, spec));
        assertTrue(e.getMessage().contains("exec: \"no-such-program\": executable file not found in $PATH"),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_user_runsWithUidGidAndGroups(ContainerRuntime runtime) throws Exception {
        String out = output(runtime, spec(rootfs(), "id -u; id -g; id -G; echo $HOME",
                APP, NetworkMode.DEFAULT, List.of(), false));
        assertEquals("1000\n1000\n1000 50\n/home/app\n", out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_missingCwd_isCreatedAndKept(ContainerRuntime runtime) throws Exception {
        Path rootfs = rootfs();
        ContainerSpec base = spec(rootfs, "pwd");
        ContainerSpec spec = new ContainerSpec(base.id(), rootfs, base.args(), base.env(), "/work/dir", base.user(),
                base.hostname(), base.network(), base.mounts(), false);
        assertEquals("/work/dir\n", output(runtime, spec));
        assertTrue(Files.isDirectory(rootfs.resolve("work/dir")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_env_isTheSpecsPlusHome(ContainerRuntime runtime) throws Exception {
        Path rootfs = rootfs();
        ContainerSpec base = spec(rootfs, "env | sort");
        List<String> env = new ArrayList<>(PATH);
        env.add("FOO=bar baz");
        ContainerSpec spec = new ContainerSpec(base.id(), rootfs, List.of("/bin/sh", "-c", "env"), env, "/",
                base.user(), base.hostname(), base.network(), base.mounts(), false);
        List<String> lines = output(runtime, spec).lines().sorted().collect(Collectors.toList());
        assertEquals(List.of("FOO=bar baz", "HOME=/root", PATH.get(0)),
                lines.stream().filter(l -> !l.startsWith("PWD=") && !l.startsWith("SHLVL=")).collect(Collectors.toList()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_hostnameAndHosts_areTheContainers(ContainerRuntime runtime) throws Exception {
        String out = output(runtime, spec(rootfs(), "hostname; cat /etc/hosts; grep -c . /etc/resolv.conf || true"));
        assertTrue(out.startsWith("buildhost\n"), out);
        assertTrue(out.contains("127.0.0.1\tlocalhost\n"), out);
        assertTrue(out.contains("127.0.0.1\tbuildhost\n"), out);
        assertTrue(out.contains("::1\tbuildhost\n"), out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_defaultNetwork_hasOnlyLoopbackUp(ContainerRuntime runtime) throws Exception {
        String out = output(runtime, spec(rootfs(), "ls /sys/class/net; ip -o link show lo"));
        String[] lines = out.split("\n");
        assertEquals("lo", lines[0], out);
        assertEquals(2, lines.length, out);
        assertTrue(lines[1].contains("<LOOPBACK,UP"), out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_noneNetwork_hasLoopbackDown(ContainerRuntime runtime) throws Exception {
        String out = output(runtime, spec(rootfs(), "ls /sys/class/net; ip -o link show lo",
                ResolvedUser.ROOT, NetworkMode.NONE, List.of(), false));
        String[] lines = out.split("\n");
        assertEquals("lo", lines[0], out);
        assertEquals(2, lines.length, out);
        assertTrue(lines[1].contains("<LOOPBACK>"), out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_hostNetwork_seesHostInterfaces(ContainerRuntime runtime) throws Exception {
        String out = output(runtime, spec(rootfs(), "ls /sys/class/net",
                ResolvedUser.ROOT, NetworkMode.HOST, List.of(), false));
        List<String> host;
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            host = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertEquals(host, out.lines().sorted().collect(Collectors.toList()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_default_masksProcFilesAndMountsSysReadOnly(ContainerRuntime runtime) throws Exception {
        String out = output(runtime, spec(rootfs(),
                "[ -c /proc/timer_list ] && [ -c /proc/keys ] && echo proc-masked; grep -c . /proc/keys || true; "
                        + "grep ' /sys sysfs ' /proc/mounts; grep ' /proc/sys proc ' /proc/mounts; "
                        + "touch /proc/sysrq-trigger 2>/dev/null || echo sysrq-ro"));
        assertTrue(out.contains("proc-masked\n"), out);
        assertTrue(out.contains("\n0\n"), out);
        assertTrue(out.matches("(?s).* /sys sysfs ro,.*"), out);
        assertTrue(out.matches("(?s).* /proc/sys proc ro,.*"), out);
        assertTrue(out.contains("sysrq-ro"), out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_default_hasDockersCapabilitiesAndNoNewPrivileges(ContainerRuntime runtime) throws Exception {
        String out = output(runtime, spec(rootfs(), "grep -E '^(Cap|NoNewPrivs)' /proc/self/status; umask; ulimit -n"));
        assertTrue(out.contains("CapInh:\t0000000000000000\n"), out);
        assertTrue(out.contains("CapPrm:\t00000000a80425fb\n"), out);
        assertTrue(out.contains("CapEff:\t00000000a80425fb\n"), out);
        assertTrue(out.contains("CapBnd:\t00000000a80425fb\n"), out);
        assertTrue(out.contains("CapAmb:\t0000000000000000\n"), out);
        assertTrue(out.contains("NoNewPrivs:\t1\n"), out);
        assertTrue(out.contains("\n0022\n"), out);
        assertTrue(out.endsWith("\n" + OciBundle.nofileLimit() + "\n"), out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_nonRootUser_hasNoEffectiveCapabilities(ContainerRuntime runtime) throws Exception {
        String out = output(runtime, spec(rootfs(), "grep -E '^Cap(Eff|Bnd)' /proc/self/status",
                APP, NetworkMode.DEFAULT, List.of(), false));
        assertEquals("CapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\n", out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_insecure_hasAllCapabilitiesAndNoMasks(ContainerRuntime runtime) throws Exception {
        String out = output(runtime, spec(rootfs(),
                "grep CapEff /proc/self/status; [ -c /proc/timer_list ] && [ -c /proc/keys ] && echo proc-masked; "
                        + "grep -c ' /proc/sys proc ro,' /proc/mounts || true",
                ResolvedUser.ROOT, NetworkMode.DEFAULT, List.of(), true));
        String expected = String.format("CapEff:\t%016x\n", Capabilities.mask(Capabilities.ofThisProcess()));
        assertEquals(expected + "0\n", out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_extraMounts_bindReadOnlyAndTmpfsLeaveNoStubs(ContainerRuntime runtime) throws Exception {
        Path rootfs = rootfs();
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("file.txt"), "from the host\n");
        List<ContainerMount> mounts = List.of(
                new ContainerMount("bind", data, "/mnt/data", List.of("rbind", "ro")),
                new ContainerMount("tmpfs", null, "/scratch/space", List.of("size=1m")));
        String out = output(runtime, spec(rootfs,
                "cat /mnt/data/file.txt; echo x 2>/dev/null >/mnt/data/new || echo bind-ro; "
                        + "echo y > /scratch/space/f && grep -c ' /scratch/space tmpfs ' /proc/mounts",
                ResolvedUser.ROOT, NetworkMode.DEFAULT, mounts, false));
        assertEquals("from the host\nbind-ro\n1\n", out);
        assertFalse(Files.exists(rootfs.resolve("mnt")));
        assertFalse(Files.exists(rootfs.resolve("scratch")));
        assertFalse(Files.exists(data.resolve("new")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_onOverlay_upperHoldsOnlyWhatTheCommandWrote(ContainerRuntime runtime) throws Exception {
        Path lower = TestRootfs.binOnly(Files.createDirectories(tmp.resolve("lower")));
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path merged = Files.createDirectories(tmp.resolve("merged"));
        try (OverlayMount mount = OverlayMount.mount(List.of(lower), upper, work, merged)) {
            String out = output(runtime, spec(merged, "echo hi > /out.txt; cat /etc/hosts >/dev/null; ls /proc >/dev/null; echo ok"));
            assertEquals("ok\n", out);
        }
        List<String> entries;
        try (Stream<Path> s = Files.walk(upper)) {
            entries = s.filter(p -> !p.equals(upper)).map(p -> upper.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
        assertEquals(List.of("out.txt"), entries);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_interrupted_killsContainerAndLeavesNothing(ContainerRuntime runtime) throws Exception {
        Path rootfs = rootfs();
        String marker = "100." + ProcessHandle.current().pid() + (++counter);
        ContainerSpec spec = spec(rootfs, "echo started; exec sleep " + marker);
        Path bundle = Files.createTempDirectory(tmp, "bundle");
        CountDownLatch started = new CountDownLatch(1);
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                started.countDown();
            }
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                runtime.run(spec, bundle, out);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        long before = System.nanoTime();
        t.interrupt();
        t.join(15_000);
        assertFalse(t.isAlive());
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(5));
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertEquals(List.of(), processesWith(marker));
        assertEquals(List.of(), processesWith(spec.id()), "runtime processes left");
        assertEquals(List.of(), cgroupsNamed(spec.id()));
        Path state = bundle.resolve("state");
        if (Files.isDirectory(state)) {
            try (Stream<Path> s = Files.list(state)) {
                assertEquals(List.of(), s.collect(Collectors.toList()));
            }
        }
        assertFalse(Files.exists(rootfs.resolve("proc")));
    }

    /**
     * On this cgroup v1 host runc 1.1.5 mounts each hierarchy read-only but leaves the tmpfs that
     * holds them at /sys/fs/cgroup writable (a container-private tmpfs).
     */
    @Test
    void runc_cgroupHierarchies_mountedReadOnly() throws Exception {
        ContainerRuntime runc = runtimes().findFirst().orElseThrow();
        String out = output(runc, spec(rootfs(), "grep -c ' /sys/fs/cgroup/[^ ]* cgroup ro,' /proc/mounts; "
                + "mkdir /sys/fs/cgroup/pids/x 2>/dev/null || echo cgroup-ro"));
        assertTrue(out.matches("[1-9][0-9]*\ncgroup-ro\n"), out);
    }

    @Test
    void detect_nothingExplicit_findsTheWorkingRunc() throws Exception {
        List<String> warnings = new ArrayList<>();
        ContainerRuntime runtime = ContainerRuntimes.detect(null, warnings::add);
        assertEquals("runc", runtime.name());
        assertEquals(List.of(), warnings);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_killedBySignal_returns128PlusSignal(ContainerRuntime runtime) throws Exception {
        String marker = "300." + ProcessHandle.current().pid() + (++counter);
        ContainerSpec spec = spec(rootfs(), "echo started; exec sleep " + marker);
        CountDownLatch started = new CountDownLatch(1);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                all.write(b);
                started.countDown();
            }
        };
        Thread killer = new Thread(() -> {
            try {
                if (started.await(10, TimeUnit.SECONDS)) {
                    for (int i = 0; i < 100 && processesWith(marker).isEmpty(); i++) {
                        Thread.sleep(10);
                    }
                    processesWith(marker).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        int status = runtime.run(spec, Files.createTempDirectory(tmp, "bundle"), out);
        killer.join();
        assertEquals(128 + 9, status, all.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_inParallel_eachGetsItsOwnOutput(ContainerRuntime runtime) throws Exception {
        int n = 4;
        List<Thread> threads = new ArrayList<>();
        String[] outputs = new String[n];
        Throwable[] errors = new Throwable[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            Path rootfs = TestRootfs.busybox(Files.createDirectories(tmp.resolve("rootfs" + k)));
            ContainerSpec spec = spec(rootfs, "for i in 1 2 3; do echo c" + k + "-$i; sleep 0.01; done");
            Path bundle = Files.createTempDirectory(tmp, "bundle");
            threads.add(new Thread(() -> {
                try {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    runtime.run(spec, bundle, out);
                    outputs[k] = out.toString(StandardCharsets.UTF_8);
                } catch (Throwable e) {
                    errors[k] = e;
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(20_000);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(null, errors[i]);
            assertEquals("c" + i + "-1\nc" + i + "-2\nc" + i + "-3\n", outputs[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_interruptedWhileStarting_leavesNothing(ContainerRuntime runtime) throws Exception {
        for (long delayMillis : new long[] {0, 5, 20}) {
            Path rootfs = rootfs();
            String marker = "200." + ProcessHandle.current().pid() + (++counter);
            ContainerSpec spec = spec(rootfs, "exec sleep " + marker);
            Path bundle = Files.createTempDirectory(tmp, "bundle");
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    runtime.run(spec, bundle, OutputStream.nullOutputStream());
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            t.start();
            Thread.sleep(delayMillis);
            t.interrupt();
            t.join(15_000);
            assertFalse(t.isAlive());
            assertInstanceOf(InterruptedException.class, thrown.get(), "after " + delayMillis + " ms");
            assertEquals(List.of(), processesWith(marker));
            assertEquals(List.of(), processesWith(spec.id()), "runtime processes left");
            assertEquals(List.of(), cgroupsNamed(spec.id()));
            assertFalse(Files.exists(rootfs.resolve("proc")), "after " + delayMillis + " ms");
            Path state = bundle.resolve("state");
            if (Files.isDirectory(state)) {
                try (Stream<Path> s = Files.list(state)) {
                    assertEquals(List.of(), s.collect(Collectors.toList()));
                }
            }
            deleteRootfs(rootfs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runtimes")
    void run_hostsSymlinkedOutOfEtc_mountedThroughTheLinkWithoutStubs(ContainerRuntime runtime) throws Exception {
        Path rootfs = rootfs();
        Files.createSymbolicLink(rootfs.resolve("etc/hosts"), Path.of("/run/network/hosts"));
        String out = output(runtime, spec(rootfs, "grep -c buildhost /etc/hosts"));
        assertEquals("2\n", out);
        assertTrue(Files.isSymbolicLink(rootfs.resolve("etc/hosts")));
        assertFalse(Files.exists(rootfs.resolve("run")));
        assertFalse(Files.exists(rootfs.resolve("etc/resolv.conf")));
    }

    private static void deleteRootfs(Path rootfs) throws IOException {
        try (Stream<Path> s = Files.walk(rootfs)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    /** The cgroup directories (any hierarchy, a few levels deep) named {@code name}. */
    private static List<Path> cgroupsNamed(String name) throws IOException {
        try (Stream<Path> s = Files.find(Path.of("/sys/fs/cgroup"), 4,
                (p, attrs) -> attrs.isDirectory() && p.getFileName() != null && p.getFileName().toString().equals(name))) {
            return s.collect(Collectors.toList());
        }
    }

    /** PIDs of processes whose command line contains {@code marker}. */
    private static List<Long> processesWith(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false))
                .map(ProcessHandle::pid).collect(Collectors.toList());
    }
}
