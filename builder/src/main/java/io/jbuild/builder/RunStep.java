package io.jbuild.builder;

import io.jbuild.dockerfile.Heredoc;
import io.jbuild.dockerfile.Heredocs;
import io.jbuild.dockerfile.Mount;
import io.jbuild.dockerfile.PatternMatcher;
import io.jbuild.dockerfile.RunInstruction;
import io.jbuild.layerstore.ImageConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One RUN: the argv (SHELL, heredocs), environment, user, mounts, and the container on the step's overlay. */
final class RunStep {
    static final String HOSTNAME = "buildkitsandbox";
    private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
    private static final int TAIL_LINES = 10;

    private final BuildContext ctx;
    private final StageExecutor stage;
    private final RunInstruction run;
    private final StepMount mount;
    private final BuildProgress.Step step;
    private final List<AutoCloseable> cleanups = new ArrayList<>();
    private String cwd = "/";

    RunStep(BuildContext ctx, StageExecutor stage, RunInstruction run, StepMount mount, BuildProgress.Step step) {
        this.ctx = ctx;
        this.stage = stage;
        this.run = run;
        this.mount = mount;
        this.step = step;
    }

    /** Runs the container; returns the argv it ran. Fails with the exit status and the output's last lines. */
    List<String> execute(ImageConfig image) throws BuildException, InterruptedException {
        ImageConfig.ContainerConfig config = image.config() == null ? ImageConfig.ContainerConfig.empty() : image.config();
        Path bundle = null;
        cwd = config.workingDir() == null || config.workingDir().isEmpty() ? "/" : config.workingDir();
        try {
            List<ContainerMount> mounts = new ArrayList<>();
            Map<String, String> env = new LinkedHashMap<>(stage.environment());
            List<String> argv = argv(config, mounts);
            mounts.addAll(runMounts(env));
            ctx.plan.proxyArgs().forEach(env::putIfAbsent);
            env.putIfAbsent("PATH", ConfigInstructions.DEFAULT_PATH);
            List<String> envList = new ArrayList<>();
            env.forEach((k, v) -> envList.add(k + "=" + v));
            String user = config.user();
            ResolvedUser resolved = user == null || user.isEmpty() ? ResolvedUser.ROOT : Users.resolve(mount.root(), user);
            NetworkMode network = run.network() != null ? NetworkMode.parse(run.network()) : ctx.request.network();
            boolean insecure = "insecure".equals(run.security());
            String id = "jbuild-" + Long.toHexString(System.nanoTime()) + "-" + Integer.toHexString(hashCode());
            ContainerSpec spec = new ContainerSpec(id, mount.root(), argv, envList, cwd, resolved, HOSTNAME, network,
                    mounts, insecure);
            bundle = tempDir("bundle");
            TailOutputStream output = new TailOutputStream(step.log());
            int exit = ctx.runtime().run(spec, bundle, output);
            output.flush();
            if (exit != 0) {
                String tail = output.tail(TAIL_LINES);
                throw new BuildException("process \"" + String.join(" ", argv) + "\" did not complete successfully: exit code: "
                        + exit + (tail.isEmpty() ? "" : "\n" + tail), null, exit, null);
            }
            return argv;
        } catch (IOException e) {
            throw new BuildException("run " + run.original() + ": " + e.getMessage(), e);
        } finally {
            for (int i = cleanups.size() - 1; i >= 0; i--) {
                try {
                    cleanups.get(i).close();
                } catch (Exception ignored) {
                    // best effort: temporary files under the store's tmp/
                }
            }
            if (bundle != null) {
                StepMount.deleteQuietly(bundle);
            }
            ctx.temporaries.removeIf(p -> !Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
    }

    /**
     * BuildKit's argv ({@link ConfigInstructions#runArgs}): exec form as is, shell form through SHELL,
     * heredocs as dispatchRun treats them; a lone heredoc with a shebang is mounted at /dev/pipes/ and run.
     */
    private List<String> argv(ImageConfig.ContainerConfig config, List<ContainerMount> mounts) throws BuildException, IOException {
        List<String> shell = config.shell().isEmpty() ? DEFAULT_SHELL : config.shell();
        List<String> argv = ConfigInstructions.runArgs(run, shell);
        if (!run.heredocs().isEmpty()) {
            Heredoc first = run.heredocs().get(0);
            String script = "/dev/pipes/" + first.name();
            if (argv.get(argv.size() - 1).equals(script)) {
                Path dir = tempDir("heredoc");
                cleanups.add(() -> StepMount.deleteQuietly(dir));
                Path file = dir.resolve(first.name());
                Files.writeString(file, first.chomp() ? Heredocs.chomp(first.content()) : first.content());
                PosixFiles.chmod(file, 0755);
                mounts.add(new ContainerMount("bind", dir, "/dev/pipes", List.of("rbind", "ro")));
            }
        }
        return argv;
    }

    // ------------------------------------------------------------------ RUN --mount

    private List<ContainerMount> runMounts(Map<String, String> env) throws BuildException, InterruptedException, IOException {
        List<ContainerMount> out = new ArrayList<>();
        int sshIndex = 0;
        for (Mount m : run.mounts()) {
            switch (m.type()) {
                case BIND:
                    out.add(bind(m));
                    break;
                case CACHE:
                    out.add(cache(m));
                    break;
                case TMPFS: {
                    List<String> options = new ArrayList<>(List.of("nosuid", "nodev", "mode=1777"));
                    if (m.sizeLimit() > 0) {
                        options.add("size=" + m.sizeLimit());
                    }
                    out.add(new ContainerMount("tmpfs", null, target(m, 0), options));
                    break;
                }
                case SECRET: {
                    ContainerMount secret = secret(m, env);
                    if (secret != null) {
                        out.add(secret);
                    }
                    break;
                }
                case SSH: {
                    ContainerMount ssh = ssh(m, sshIndex++, env);
                    if (ssh != null) {
                        out.add(ssh);
                    }
                    break;
                }
                default:
                    throw new BuildException("RUN --mount type " + m.type() + " is not supported");
            }
        }
        return out;
    }

    private String target(Mount m, int sshIndex) throws BuildException {
        String t = m.effectiveTarget(sshIndex);
        if (t == null || t.isEmpty()) {
            throw new BuildException("RUN --mount=type=" + m.type().name().toLowerCase() + " needs a target");
        }
        if (!t.startsWith("/")) {
            t = (cwd.endsWith("/") ? cwd : cwd + "/") + t;
        }
        return t;
    }

    private ContainerMount bind(Mount m) throws BuildException, InterruptedException, IOException {
        String src = m.source() == null ? "/" : m.source();
        boolean context = m.from() == null || m.from().isEmpty() || m.from().equals("context");
        if (context && !ctx.ignore.isEmpty()) {
            // the context as BuildKit transfers it: what .dockerignore excludes is not there
            StepMount view = StepMount.mount(ctx.store, List.of(ctx.contextDir.toRealPath()), "context",
                    upper -> hideIgnored(ctx.contextDir.toRealPath(), ctx.ignore, upper));
            cleanups.add(view);
            Path host = RootPaths.resolve(view.root(), src, true);
            if (!Files.exists(host)) {
                throw new BuildException("RUN --mount=type=bind: source \"" + src + "\" not found in the build context");
            }
            return new ContainerMount("bind", host, target(m, 0), List.of("rbind", m.readOnly() ? "ro" : "rw"));
        }
        SourceRoot source = SourceRoot.open(ctx, m.from(), ctx.platform);
        cleanups.add(source);
        Path host = RootPaths.resolve(source.root(), src, true);
        if (!host.normalize().startsWith(source.root()) || !Files.exists(host)) {
            throw new BuildException("RUN --mount=type=bind: source \"" + src + "\" not found"
                    + (m.from() == null ? " in the build context" : " in " + m.from()));
        }
        if (!m.readOnly()) {
            // writes to a read-write bind mount are discarded, as BuildKit does: mount an overlay over the source
            Path lower = Files.isDirectory(host) ? host : null;
            if (lower != null) {
                StepMount scratch = StepMount.mount(ctx.store, List.of(lower), "bind");
                cleanups.add(scratch);
                host = scratch.root();
            }
        }
        return new ContainerMount("bind", host, target(m, 0), List.of("rbind", m.readOnly() ? "ro" : "rw"));
    }

    /**
     * Overlay whiteouts in {@code upper} for every context path {@code ignore} excludes, so that an
     * overlay of the context over it shows what a COPY would see. Directories on the way get the
     * context's mode and owner, so that the view shows them unchanged.
     */
    static void hideIgnored(Path context, PatternMatcher ignore, Path upper) throws IOException {
        Files.walkFileTree(context, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                String rel = context.relativize(dir).toString();
                if (rel.isEmpty()) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                if (ignore.matchesOrParentMatches(rel) && !ignore.hasExclusions()) {
                    whiteout(rel);
                    return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                String rel = context.relativize(file).toString();
                if (ignore.matchesOrParentMatches(rel)) {
                    whiteout(rel);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            private void whiteout(String rel) throws IOException {
                Path target = upper.resolve(rel);
                Path parent = target.getParent();
                if (!Files.isDirectory(parent)) {
                    Files.createDirectories(parent);
                    for (Path d = parent; !d.equals(upper); d = d.getParent()) {
                        Path original = context.resolve(upper.relativize(d).toString());
                        Files.setAttribute(d, "unix:mode", Files.getAttribute(original, "unix:mode"));
                        Files.setAttribute(d, "unix:uid", Files.getAttribute(original, "unix:uid"));
                        Files.setAttribute(d, "unix:gid", Files.getAttribute(original, "unix:gid"));
                    }
                }
                io.jbuild.layerstore.Whiteouts.createOverlayWhiteout(target);
            }
        });
    }

    private ContainerMount cache(Mount m) throws BuildException, IOException {
        String id = m.effectiveId();
        Path root = ctx.store.cacheDir().resolve("mounts");
        Files.createDirectories(root);
        Path dir = ctx.cache.mount(id); // restored from an imported cache when it has the id and dir is new
        String key = dir.getFileName().toString();
        boolean fresh = !Files.exists(dir);
        if (fresh) {
            Path staged = tempDir("cache-mount");
            PosixFiles.chmod(staged, (m.mode() == null ? 0755 : m.mode().intValue()) & 0777);
            Files.setAttribute(staged, "unix:uid", m.uid() == null ? 0 : m.uid().intValue());
            Files.setAttribute(staged, "unix:gid", m.gid() == null ? 0 : m.gid().intValue());
            try {
                Files.move(staged, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                StepMount.deleteQuietly(staged); // another build created it first
            }
        }
        String sharing = m.sharing() == null ? "shared" : m.sharing();
        if (!sharing.equals("shared")) {
            FileChannel channel = FileChannel.open(root.resolve(key + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = sharing.equals("locked") ? channel.lock() : channel.tryLock();
            if (lock == null) {
                // private and in use: this step gets a fresh directory of its own
                channel.close();
                Path own = tempDir("cache-private");
                cleanups.add(() -> StepMount.deleteQuietly(own));
                dir = own;
            } else {
                cleanups.add(channel);
            }
        }
        return new ContainerMount("bind", dir, target(m, 0), List.of("rbind", m.readOnly() ? "ro" : "rw"));
    }

    private ContainerMount secret(Mount m, Map<String, String> env) throws BuildException, IOException {
        String id = m.effectiveId();
        SecretSource source = ctx.request.secrets().stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
        if (source == null) {
            if (m.required()) {
                throw new BuildException("secret " + id + " not found: give it with --secret id=" + id + ",src=FILE");
            }
            return null;
        }
        byte[] value;
        if (source.file() != null) {
            value = Files.readAllBytes(source.file());
        } else {
            String v = System.getenv(source.envVariable());
            if (v == null) {
                throw new BuildException("secret " + id + ": environment variable " + source.envVariable() + " is not set");
            }
            value = v.getBytes(StandardCharsets.UTF_8);
        }
        if (m.env() != null && !m.env().isEmpty()) {
            env.put(m.env(), new String(value, StandardCharsets.UTF_8));
            if (m.target() == null || m.target().isEmpty()) {
                return null;
            }
        }
        Path dir = tempDir("secret");
        cleanups.add(() -> StepMount.deleteQuietly(dir));
        PosixFiles.chmod(dir, 0700);
        Path file = dir.resolve("secret");
        Files.write(file, value);
        PosixFiles.chmod(file, (m.mode() == null ? 0400 : m.mode().intValue()) & 0777);
        Files.setAttribute(file, "unix:uid", m.uid() == null ? 0 : m.uid().intValue());
        Files.setAttribute(file, "unix:gid", m.gid() == null ? 0 : m.gid().intValue());
        return new ContainerMount("bind", file, target(m, 0), List.of("rbind", "ro", "nosuid", "nodev", "noexec"));
    }

    private ContainerMount ssh(Mount m, int index, Map<String, String> env) throws BuildException {
        String id = m.effectiveId();
        Path socket = ctx.request.ssh().get(id);
        if (socket == null) {
            if (m.required()) {
                throw new BuildException("ssh agent " + id + " not found: give it with --ssh " + id + "=SOCKET");
            }
            return null;
        }
        String target = target(m, index);
        env.putIfAbsent("SSH_AUTH_SOCK", target);
        return new ContainerMount("bind", socket, target, List.of("rbind"));
    }

    private Path tempDir(String purpose) throws BuildException {
        try {
            Path dir = ctx.store.createTempDirectory(purpose);
            ctx.temporaries.add(dir);
            return dir;
        } catch (io.jbuild.layerstore.StoreException e) {
            throw new BuildException("run " + run.original() + ": " + e.getMessage(), e);
        }
    }

    /** Passes output through and keeps its last bytes for the error message. */
    static final class TailOutputStream extends OutputStream {
        private static final int KEEP = 8192;
        private final OutputStream out;
        private final ByteArrayOutputStream tail = new ByteArrayOutputStream();

        TailOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            tail.write(b, off, len);
            if (tail.size() > 2 * KEEP) {
                byte[] all = tail.toByteArray();
                tail.reset();
                tail.write(all, all.length - KEEP, KEEP);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        synchronized String tail(int lines) {
            String text = tail.toString(StandardCharsets.UTF_8).stripTrailing();
            String[] all = text.split("\n");
            int from = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
        }
    }
}
