package io.jbuild.builder;

import io.jbuild.dockerfile.AddInstruction;
import io.jbuild.dockerfile.ArgInstruction;
import io.jbuild.dockerfile.CmdInstruction;
import io.jbuild.dockerfile.CommandLine;
import io.jbuild.dockerfile.CopyInstruction;
import io.jbuild.dockerfile.DockerfileException;
import io.jbuild.dockerfile.EntrypointInstruction;
import io.jbuild.dockerfile.EnvInstruction;
import io.jbuild.dockerfile.ExposeInstruction;
import io.jbuild.dockerfile.FromInstruction;
import io.jbuild.dockerfile.HealthcheckInstruction;
import io.jbuild.dockerfile.Heredoc;
import io.jbuild.dockerfile.Heredocs;
import io.jbuild.dockerfile.Instruction;
import io.jbuild.dockerfile.KeyValue;
import io.jbuild.dockerfile.LabelInstruction;
import io.jbuild.dockerfile.MaintainerInstruction;
import io.jbuild.dockerfile.OnbuildInstruction;
import io.jbuild.dockerfile.RunInstruction;
import io.jbuild.dockerfile.ShellInstruction;
import io.jbuild.dockerfile.SourceContent;
import io.jbuild.dockerfile.StopsignalInstruction;
import io.jbuild.dockerfile.UserInstruction;
import io.jbuild.dockerfile.VolumeInstruction;
import io.jbuild.dockerfile.WorkdirInstruction;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.ImageConfig.ContainerConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What each Dockerfile instruction does to the image config and which history entry it leaves,
 * as BuildKit's Dockerfile frontend does it ({@code frontend/dockerfile/dockerfile2llb/convert.go},
 * the {@code dispatch*} functions and {@code commitToHistory}).
 *
 * <p>History, per BuildKit: RUN, COPY and ADD add a layer and their text ends in {@code  # buildkit};
 * WORKDIR adds a layer (the mkdir) unless the resulting directory is {@code /}; ENV, LABEL,
 * MAINTAINER, EXPOSE, VOLUME, USER, STOPSIGNAL, HEALTHCHECK, SHELL, CMD, ENTRYPOINT and ARG write
 * an {@code empty_layer} entry; FROM and ONBUILD write no entry at all ({@link #createdBy} returns
 * null for them). Every entry's comment is {@link #HISTORY_COMMENT}.
 */
final class ConfigInstructions {
    /** The {@code comment} BuildKit puts on every history entry it writes. */
    static final String HISTORY_COMMENT = "buildkit.dockerfile.v0";

    private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
    private static final List<String> WINDOWS_SHELL = List.of("cmd", "/S", "/C");

    private ConfigInstructions() {
    }

    /** BuildKit's default {@code PATH} for Linux images ({@code system.DefaultPathEnvUnix}). */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * The image a {@code FROM scratch} stage starts from, as BuildKit's {@code emptyImage}: no layers,
     * WorkingDir {@code /}, and {@code PATH} set to {@link #DEFAULT_PATH} except on Windows.
     */
    static ImageConfig scratch(io.jbuild.layerstore.Platform platform) {
        List<String> env = "windows".equals(platform.os()) ? null : List.of("PATH=" + DEFAULT_PATH);
        ContainerConfig config = new ContainerConfig(null, null, env, null, null, null, "/", null, null, null, null,
                null, null);
        return ImageConfig.scratch(platform).withConfig(config);
    }

    /** BuildKit's {@code defaultShell(os)}: {@code cmd /S /C} on Windows, else {@code /bin/sh -c}. */
    static List<String> defaultShell(String os) {
        return "windows".equals(os) ? WINDOWS_SHELL : DEFAULT_SHELL;
    }

    /** The shell that shell-form commands run with in this image: its SHELL, else the OS default. */
    static List<String> shell(ImageConfig image) {
        ContainerConfig c = image.config();
        return c != null && !c.shell().isEmpty() ? c.shell() : defaultShell(image.os());
    }

    /**
     * The image config after one metadata instruction (already variable-expanded by the caller),
     * assuming no CMD came earlier in the stage (see {@link #apply(ImageConfig, Instruction, boolean)}).
     * Handles CMD, ENTRYPOINT, ENV, LABEL, MAINTAINER, EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL,
     * HEALTHCHECK, ONBUILD, SHELL; the others (ARG, FROM, RUN, COPY, ADD) return the image unchanged.
     */
    static ImageConfig apply(ImageConfig image, Instruction instruction) throws BuildException {
        return apply(image, instruction, false);
    }

    /**
     * As {@link #apply(ImageConfig, Instruction)}; {@code cmdSetInStage} says whether a CMD
     * instruction was dispatched earlier in the same stage (ONBUILD triggers included): BuildKit's
     * ENTRYPOINT clears the inherited Cmd unless one was ({@code dispatchEntrypoint}: {@code if
     * !d.cmd.IsSet { Cmd = nil }}).
     *
     * @throws BuildException for an invalid EXPOSE port, STOPSIGNAL signal, empty VOLUME or WORKDIR,
     *     placed at the instruction's location
     */
    static ImageConfig apply(ImageConfig image, Instruction instruction, boolean cmdSetInStage) throws BuildException {
        try {
            return applyUnplaced(image, instruction, cmdSetInStage);
        } catch (BuildException e) {
            throw e.at(instruction.location());
        }
    }

    private static ImageConfig applyUnplaced(ImageConfig image, Instruction instruction, boolean cmdSetInStage)
            throws BuildException {
        Config c = new Config(image.config());
        if (instruction instanceof CmdInstruction cmd) {
            c.cmd = command(cmd.command(), shell(image));
            c.argsEscaped = Boolean.TRUE;
        } else if (instruction instanceof EntrypointInstruction entrypoint) {
            c.entrypoint = command(entrypoint.command(), shell(image));
            if (!cmdSetInStage) {
                c.cmd = null;
            }
        } else if (instruction instanceof EnvInstruction env) {
            boolean ignoreCase = "windows".equals(image.os());
            for (KeyValue kv : env.env()) {
                c.env = addEnv(c.env, kv.key(), kv.value(), ignoreCase);
            }
        } else if (instruction instanceof LabelInstruction label) {
            for (KeyValue kv : label.labels()) {
                c.labels.put(kv.key(), kv.value());
            }
        } else if (instruction instanceof MaintainerInstruction maintainer) {
            return new ImageConfig(image.created(), maintainer.maintainer(), image.architecture(), image.os(),
                    image.osVersion(), image.osFeatures(), image.variant(), image.config(), image.rootfs(),
                    image.history());
        } else if (instruction instanceof ExposeInstruction expose) {
            c.exposedPorts.addAll(exposedPorts(expose.ports()));
        } else if (instruction instanceof VolumeInstruction volume) {
            for (String v : volume.volumes()) {
                if (v.isEmpty()) {
                    throw new BuildException("VOLUME specified can not be an empty string");
                }
                c.volumes.add(v);
            }
        } else if (instruction instanceof UserInstruction user) {
            c.user = user.user();
        } else if (instruction instanceof WorkdirInstruction workdir) {
            c.workingDir = workdir(c.workingDir, workdir.path());
        } else if (instruction instanceof StopsignalInstruction stop) {
            checkSignal(stop.signal());
            c.stopSignal = stop.signal();
        } else if (instruction instanceof HealthcheckInstruction health) {
            c.healthcheck = healthcheck(health);
        } else if (instruction instanceof OnbuildInstruction onbuild) {
            c.onBuild.add(onbuild.expression());
        } else if (instruction instanceof ShellInstruction shell) {
            c.shell = shell.shell();
        } else {
            return image;
        }
        return image.withConfig(c.build());
    }

    /**
     * BuildKit's history {@code created_by} for an instruction, or null for FROM and ONBUILD (which
     * write no history entry).
     *
     * @param runArgs the build args BuildKit lists for RUN ({@code |2 A=1 B=2}): every ARG declared in
     *     the stage (and inherited from a parent stage), in declaration order, each once, valued by the
     *     current environment if it has the name (ENV wins), else its resolved value ("" when none)
     * @param shell the current shell (the image's SHELL or the default), used by shell-form RUN, CMD
     *     and ENTRYPOINT; empty means {@code /bin/sh -c}
     *     <p>For WORKDIR the text is the resolved absolute directory; a relative path is resolved
     *     against {@code /} here, so prefer {@link #createdBy(ImageConfig, Instruction, Map)}, which
     *     resolves it against the image's working directory. ARG lists {@code name=value} for each
     *     definition whose {@code defaultValue} is non-null: pass the definitions with the values
     *     BuildKit resolved (build-arg, else expanded default, else the global ARG's value).
     */
    static String createdBy(Instruction instruction, Map<String, String> runArgs, List<String> shell) {
        List<String> sh = shell == null || shell.isEmpty() ? DEFAULT_SHELL : shell;
        if (instruction instanceof RunInstruction run) {
            return "RUN " + runCommandString(runArgs, runArgs(run, sh)) + " # buildkit";
        } else if (instruction instanceof CopyInstruction copy) {
            return copyText("COPY", copy.parents(), copy.chown(), copy.chmod(), copy.sources(), copy.contents(),
                    copy.dest());
        } else if (instruction instanceof AddInstruction add) {
            return copyText("ADD", false, add.chown(), add.chmod(), add.sources(), add.contents(), add.dest());
        } else if (instruction instanceof CmdInstruction cmd) {
            return "CMD " + GoFormats.quotedList(command(cmd.command(), sh));
        } else if (instruction instanceof EntrypointInstruction entrypoint) {
            return "ENTRYPOINT " + GoFormats.quotedList(command(entrypoint.command(), sh));
        } else if (instruction instanceof EnvInstruction env) {
            return pairsText("ENV", env.env());
        } else if (instruction instanceof LabelInstruction label) {
            return pairsText("LABEL", label.labels());
        } else if (instruction instanceof MaintainerInstruction maintainer) {
            return "MAINTAINER " + maintainer.maintainer();
        } else if (instruction instanceof ExposeInstruction expose) {
            try {
                return "EXPOSE " + GoFormats.list(exposedPorts(expose.ports()));
            } catch (BuildException e) {
                return "EXPOSE " + GoFormats.list(expose.ports());
            }
        } else if (instruction instanceof VolumeInstruction volume) {
            return "VOLUME " + GoFormats.list(volume.volumes());
        } else if (instruction instanceof UserInstruction user) {
            return "USER " + user.user();
        } else if (instruction instanceof WorkdirInstruction workdir) {
            return "WORKDIR " + workdir("/", workdir.path());
        } else if (instruction instanceof StopsignalInstruction stop) {
            return "STOPSIGNAL " + stop.signal();
        } else if (instruction instanceof HealthcheckInstruction health) {
            return healthcheckText(health);
        } else if (instruction instanceof ShellInstruction shellInstruction) {
            return "SHELL " + GoFormats.list(shellInstruction.shell());
        } else if (instruction instanceof ArgInstruction arg) {
            List<String> parts = new ArrayList<>();
            for (ArgInstruction.Definition d : arg.args()) {
                parts.add(d.defaultValue() == null ? d.name() : d.name() + "=" + d.defaultValue());
            }
            return "ARG " + String.join(" ", parts);
        }
        return null; // FROM, ONBUILD
    }

    /**
     * As {@link #createdBy(Instruction, Map, List)} with the shell and working directory taken from
     * {@code before}, the image config before the instruction.
     */
    static String createdBy(ImageConfig before, Instruction instruction, Map<String, String> runArgs) {
        if (instruction instanceof WorkdirInstruction workdir) {
            return "WORKDIR " + workdir(workingDir(before), workdir.path());
        }
        return createdBy(instruction, runArgs, shell(before));
    }

    /**
     * The history entry BuildKit writes for {@code instruction} ({@code commitToHistory}), or null for
     * FROM and ONBUILD, which write none.
     *
     * @param before the image config before the instruction (its shell and working directory)
     * @param runArgs as for {@link #createdBy(Instruction, Map, List)}
     * @param created the entry's RFC 3339 time (BuildKit: the build time, or SOURCE_DATE_EPOCH), may be null
     */
    static ImageConfig.History history(ImageConfig before, Instruction instruction, Map<String, String> runArgs,
                                       String created) {
        if (!recordsHistory(instruction)) {
            return null;
        }
        return new ImageConfig.History(created, createdBy(before, instruction, runArgs), null, HISTORY_COMMENT,
                emptyLayer(before, instruction));
    }

    /**
     * The build args BuildKit lists in RUN's history text ({@code runCommandString}): each ARG declared
     * in the stage, inherited ones (the parent stage's) first, in declaration order and listed once
     * (at its first position, with its last value), valued by the current environment when that has
     * the name, else by the definition's resolved value, else "".
     *
     * @param declared the stage's ARG definitions with the values BuildKit resolved (build-arg, else
     *     expanded default, else the global ARG's value; null when none)
     * @param env the stage's current environment (the image's Env plus the ARG values in scope)
     */
    static Map<String, String> runArgs(List<ArgInstruction.Definition> declared, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ArgInstruction.Definition d : declared) {
            String v = env.get(d.name());
            if (v == null) {
                v = d.defaultValue() == null ? "" : d.defaultValue();
            }
            out.put(d.name(), v);
        }
        return out;
    }

    /** Whether BuildKit writes a history entry for this instruction (all but FROM and ONBUILD). */
    static boolean recordsHistory(Instruction instruction) {
        return !(instruction instanceof FromInstruction) && !(instruction instanceof OnbuildInstruction);
    }

    /**
     * Whether BuildKit records this instruction as an {@code empty_layer} history entry: all but RUN,
     * COPY, ADD and a WORKDIR whose directory is not {@code /} (a relative WORKDIR is resolved against
     * {@code /} here; see {@link #emptyLayer(ImageConfig, Instruction)}).
     */
    static boolean emptyLayer(Instruction instruction) {
        if (instruction instanceof RunInstruction || instruction instanceof CopyInstruction
                || instruction instanceof AddInstruction) {
            return false;
        }
        if (instruction instanceof WorkdirInstruction workdir) {
            return "/".equals(workdir("/", workdir.path()));
        }
        return true;
    }

    /** As {@link #emptyLayer(Instruction)}, resolving a relative WORKDIR against {@code before}'s. */
    static boolean emptyLayer(ImageConfig before, Instruction instruction) {
        if (instruction instanceof WorkdirInstruction workdir) {
            return "/".equals(workdir(workingDir(before), workdir.path()));
        }
        return emptyLayer(instruction);
    }

    /**
     * The command a RUN executes, as BuildKit builds it ({@code dispatchRun}): the exec-form args; a
     * shell-form line wrapped in {@code shell}; a RUN whose whole command is one heredoc runs the
     * heredoc body ({@code <<-} tabs removed), or {@code /dev/pipes/<name>} when the body starts with
     * {@code #!}; other heredoc lines get their bodies and terminators appended.
     */
    static List<String> runArgs(RunInstruction run, List<String> shell) {
        CommandLine command = run.command();
        List<String> args = command.args();
        if (!run.heredocs().isEmpty() && command.shellForm() && args.size() == 1) {
            Optional<Heredoc> single;
            try {
                single = Heredocs.parseWord(args.get(0), '\\');
            } catch (DockerfileException e) {
                single = Optional.empty();
            }
            Heredoc file = run.heredocs().get(0);
            if (single.isPresent()) {
                String data = file.chomp() ? Heredocs.chomp(file.content()) : file.content();
                if (data.startsWith("#!")) {
                    args = List.of("/dev/pipes/" + file.name());
                } else {
                    args = List.of(data);
                }
            } else {
                StringBuilder b = new StringBuilder(args.get(0));
                for (Heredoc h : run.heredocs()) {
                    b.append('\n').append(h.content()).append(h.name());
                }
                args = List.of(b.toString());
            }
        }
        if (command.shellForm()) {
            return withShell(shell, args);
        }
        return args;
    }

    /** BuildKit's {@code runCommandString}: {@code |N k=v ... } before the command's words. */
    private static String runCommandString(Map<String, String> runArgs, List<String> args) {
        List<String> words = new ArrayList<>();
        if (runArgs != null && !runArgs.isEmpty()) {
            words.add("|" + runArgs.size());
            runArgs.forEach((k, v) -> words.add(k + "=" + (v == null ? "" : v)));
        }
        words.addAll(args);
        return String.join(" ", words);
    }

    private static String copyText(String keyword, boolean parents, String chown, String chmod, List<String> sources,
                                   List<SourceContent> contents, String dest) {
        StringBuilder sb = new StringBuilder(keyword);
        if (parents) {
            sb.append(" --parents");
        }
        if (chown != null && !chown.isEmpty()) {
            sb.append(" --chown=").append(chown);
        }
        if (chmod != null && !chmod.isEmpty()) {
            sb.append(" --chmod=").append(chmod);
        }
        for (String src : sources) {
            sb.append(' ').append(src);
        }
        for (SourceContent content : contents) {
            sb.append(" <<").append(content.path());
        }
        return sb.append(' ').append(dest).append(" # buildkit").toString();
    }

    private static String pairsText(String keyword, List<KeyValue> pairs) {
        StringBuilder sb = new StringBuilder(keyword);
        for (KeyValue kv : pairs) {
            sb.append(' ').append(kv.key()).append('=').append(kv.value());
        }
        return sb.toString();
    }

    /** {@code HEALTHCHECK %+v} of Docker's HealthcheckConfig, durations as Go prints them. */
    private static String healthcheckText(HealthcheckInstruction h) {
        return "HEALTHCHECK {Test:" + GoFormats.list(h.test())
                + " Interval:" + GoFormats.duration(h.interval().toNanos())
                + " Timeout:" + GoFormats.duration(h.timeout().toNanos())
                + " StartPeriod:" + GoFormats.duration(h.startPeriod().toNanos())
                + " StartInterval:" + GoFormats.duration(h.startInterval().toNanos())
                + " Retries:" + h.retries() + "}";
    }

    private static ImageConfig.Healthcheck healthcheck(HealthcheckInstruction h) {
        return new ImageConfig.Healthcheck(h.test(), nanosOrNull(h.interval()), nanosOrNull(h.timeout()),
                nanosOrNull(h.startPeriod()), nanosOrNull(h.startInterval()),
                h.retries() == 0 ? null : h.retries());
    }

    private static Long nanosOrNull(Duration d) {
        return d.isZero() ? null : d.toNanos();
    }

    private static List<String> command(CommandLine command, List<String> shell) {
        return command.shellForm() ? withShell(shell, command.args()) : command.args();
    }

    private static List<String> withShell(List<String> shell, List<String> args) {
        List<String> out = new ArrayList<>(shell);
        out.add(String.join(" ", args));
        return out;
    }

    /** BuildKit's {@code addEnv}: replaces the first entry with an equal key in place, else appends. */
    private static List<String> addEnv(List<String> env, String key, String value, boolean ignoreCase) {
        List<String> out = new ArrayList<>(env);
        for (int i = 0; i < out.size(); i++) {
            String entry = out.get(i);
            int eq = entry.indexOf('=');
            String k = eq < 0 ? entry : entry.substring(0, eq);
            if (ignoreCase ? k.equalsIgnoreCase(key) : k.equals(key)) {
                out.set(i, key + "=" + value);
                return out;
            }
        }
        out.add(key + "=" + value);
        return out;
    }

    private static String workingDir(ImageConfig image) {
        ContainerConfig c = image.config();
        return c == null || c.workingDir() == null ? "" : c.workingDir();
    }

    /**
     * BuildKit's {@code system.NormalizeWorkdir} for Linux: a relative path is joined to the current
     * directory (or {@code /}) and cleaned; an absolute path is kept as written.
     */
    static String workdir(String current, String path) {
        String parent = current == null || current.isEmpty() ? "/" : current;
        if (!parent.startsWith("/")) {
            parent = GoFormats.cleanPath("/" + parent);
        }
        String p = path.isEmpty() ? parent : path;
        if (!p.startsWith("/")) {
            p = GoFormats.cleanPath(parent + "/" + p);
        }
        return p;
    }

    private static void checkSignal(String signal) throws BuildException {
        if (signal.matches("[+-]?[0-9]+")) {
            try {
                if (Long.parseLong(signal.startsWith("+") ? signal.substring(1) : signal) != 0) {
                    return;
                }
            } catch (NumberFormatException e) {
                // out of range: Go's Atoi fails too, and the name lookup below fails
            }
            throw new BuildException("invalid signal: " + signal);
        }
        String name = signal.toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        if (!SIGNALS.contains(name)) {
            throw new BuildException("invalid signal: " + signal);
        }
    }

    /** The Linux signal names moby/sys/signal accepts (without {@code SIG}). */
    private static final Set<String> SIGNALS = signals();

    private static Set<String> signals() {
        Set<String> names = new TreeSet<>(List.of("ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL",
                "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS",
                "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ",
                "RTMIN", "RTMAX"));
        for (int i = 1; i <= 15; i++) {
            names.add("RTMIN+" + i);
        }
        for (int i = 1; i <= 14; i++) {
            names.add("RTMAX-" + i);
        }
        return Set.copyOf(names);
    }

    /**
     * BuildKit's EXPOSE normalisation ({@code convert_expose.go}): each spec
     * {@code [[ip:]hostPort:]port[-end][/proto]} becomes {@code port/proto} entries (ranges expanded,
     * proto lower-cased, tcp by default), in order. Words are split on whitespace first, as
     * BuildKit's {@code ProcessWords} splits an expanded variable.
     */
    static List<String> exposedPorts(List<String> specs) throws BuildException {
        List<String> out = new ArrayList<>();
        for (String spec : specs) {
            for (String word : spec.trim().split("\\s+")) {
                if (!word.isEmpty() || spec.isEmpty()) {
                    out.addAll(parsePort(word));
                }
            }
        }
        return out;
    }

    private static List<String> parsePort(String raw) throws BuildException {
        String[] parts = raw.split(":", -1);
        String ip;
        String hostPort;
        String containerPort;
        int n = parts.length;
        if (n == 1) {
            ip = "";
            hostPort = "";
            containerPort = parts[0];
        } else if (n == 2) {
            ip = "";
            hostPort = parts[0];
            containerPort = parts[1];
        } else {
            ip = String.join(":", java.util.Arrays.asList(parts).subList(0, n - 2));
            hostPort = parts[n - 2];
            containerPort = parts[n - 1];
        }
        int slash = containerPort.indexOf('/');
        String port = slash < 0 ? containerPort : containerPort.substring(0, slash);
        String proto = slash < 0 ? "" : containerPort.substring(slash + 1);
        if (port.isEmpty()) {
            throw new BuildException("invalid port: " + GoFormats.quote(raw) + ": no port specified");
        }
        switch (proto.toLowerCase(Locale.ROOT)) {
            case "" -> proto = "tcp";
            case "tcp", "udp", "sctp" -> {
            }
            default -> throw new BuildException("invalid port: " + GoFormats.quote(raw) + ": invalid proto: " + proto);
        }
        if (!ip.isEmpty() && ip.charAt(0) == '[') {
            int close = ip.indexOf(']');
            if (close < 0 || close != ip.length() - 1) {
                throw new BuildException("invalid IP address " + ip + ": address " + ip + ":: missing ']' in address");
            }
            ip = ip.substring(1, close);
        }
        if (!ip.isEmpty() && !isIp(ip)) {
            throw new BuildException("invalid IP address: " + ip);
        }
        int[] range = portRange(port);
        if (range == null) {
            throw new BuildException("invalid containerPort: " + port);
        }
        if (!hostPort.isEmpty()) {
            int[] hostRange = portRange(hostPort);
            if (hostRange == null) {
                throw new BuildException("invalid hostPort: " + hostPort);
            }
            if (range[1] - range[0] != hostRange[1] - hostRange[0] && range[1] != range[0]) {
                throw new BuildException("invalid ranges specified for container and host Ports: " + port + " and "
                        + hostPort);
            }
        }
        String lowerProto = proto.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (int p = range[0]; p <= range[1]; p++) {
            out.add(p + "/" + lowerProto);
        }
        return out;
    }

    /** {@code start[-end]} as {@code [start, end]}, null when invalid. */
    private static int[] portRange(String ports) {
        if (ports.isEmpty()) {
            return null;
        }
        int dash = ports.indexOf('-');
        String start = dash < 0 ? ports : ports.substring(0, dash);
        String end = dash < 0 ? null : ports.substring(dash + 1);
        int startPort = portNumber(start);
        if (startPort < 0) {
            return null;
        }
        if (end == null || start.equals(end)) {
            return new int[] {startPort, startPort};
        }
        int endPort = portNumber(end);
        if (endPort < 0 || endPort < startPort) {
            return null;
        }
        return new int[] {startPort, endPort};
    }

    /** Go's {@code strconv.ParseInt(s, 10, 0)} limited to 0-65535; -1 when invalid. */
    private static int portNumber(String s) {
        if (!s.matches("[+-]?[0-9]+")) {
            return -1;
        }
        boolean negative = s.charAt(0) == '-';
        String digits = s.replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
        if (digits.length() > 5) {
            return -1;
        }
        int v = Integer.parseInt(digits);
        if (negative) {
            return v == 0 ? 0 : -1;
        }
        return v <= 65535 ? v : -1;
    }

    private static boolean isIp(String ip) {
        if (ip.contains(":")) {
            if (!ip.matches("[0-9A-Fa-f:.]+")) {
                return false;
            }
            try {
                java.net.InetAddress.getByName("[" + ip + "]");
                return true;
            } catch (java.net.UnknownHostException | IllegalArgumentException e) {
                return false;
            }
        }
        String[] octets = ip.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String o : octets) {
            if (!o.matches("[0-9]{1,3}") || (o.length() > 1 && o.charAt(0) == '0') || Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A mutable copy of a {@link ContainerConfig} (null meaning empty). */
    private static final class Config {
        String user;
        Set<String> exposedPorts;
        List<String> env;
        List<String> entrypoint;
        List<String> cmd;
        Set<String> volumes;
        String workingDir;
        Map<String, String> labels;
        String stopSignal;
        Boolean argsEscaped;
        ImageConfig.Healthcheck healthcheck;
        List<String> onBuild;
        List<String> shell;

        Config(ContainerConfig c) {
            ContainerConfig from = c == null ? ContainerConfig.empty() : c;
            user = from.user();
            exposedPorts = new TreeSet<>(from.exposedPorts());
            env = from.env();
            entrypoint = from.entrypoint();
            cmd = from.cmd();
            volumes = new TreeSet<>(from.volumes());
            workingDir = from.workingDir();
            labels = new TreeMap<>(from.labels());
            stopSignal = from.stopSignal();
            argsEscaped = from.argsEscaped();
            healthcheck = from.healthcheck();
            onBuild = new ArrayList<>(from.onBuild());
            shell = from.shell();
        }

        ContainerConfig build() {
            return new ContainerConfig(user, new TreeSet<>(exposedPorts), env, entrypoint, cmd, new TreeSet<>(volumes),
                    workingDir, new LinkedHashMap<>(labels), stopSignal, argsEscaped, healthcheck, onBuild, shell);
        }
    }
}
