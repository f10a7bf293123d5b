package io.jbuild.dockerfile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Pass 2: the plain AST to typed {@link Instruction}s grouped into {@link Stage}s, with every flag
 * and argument checked as BuildKit's {@code frontend/dockerfile/instructions} package checks it.
 */
public final class InstructionParser {
    private static final Pattern STAGE_NAME = Pattern.compile("^[a-z][a-z0-9-_.]*$");
    private static final Pattern ONBUILD_PREFIX = Pattern.compile("(?i)^\\s*ONBUILD\\s*");
    private static final List<String> NETWORK_MODES = List.of("default", "none", "host");
    private static final List<String> SECURITY_MODES = List.of("sandbox", "insecure");

    private InstructionParser() {
    }

    /** Types every instruction of {@code result} and groups them into stages. */
    public static DockerfileInstructions parse(ParseResult result) throws DockerfileException {
        String file = result.file();
        List<ArgInstruction> globalArgs = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        Map<String, Integer> stageNames = new HashMap<>();
        FromInstruction from = null;
        List<Instruction> body = new ArrayList<>();
        List<ParseWarning> warnings = new ArrayList<>(result.warnings());
        for (Node node : result.nodes()) {
            Location location = Location.of(file, node);
            try {
                Instruction instruction = parse(file, node);
                if (instruction instanceof FromInstruction) {
                    if (from != null) {
                        stages.add(stage(stages.size(), from, body));
                        body = new ArrayList<>();
                    }
                    from = (FromInstruction) instruction;
                    if (from.stageName() != null) {
                        Integer previous = stageNames.put(from.stageName(), stages.size());
                        if (previous != null) {
                            warnings.add(new ParseWarning("Duplicate stage name \"" + from.stageName()
                                    + "\", stage names should be unique",
                                    "references to the name resolve to the last stage given it", node.startLine()));
                        }
                    }
                } else if (from == null) {
                    if (!(instruction instanceof ArgInstruction)) {
                        throw Instructions.error("no build stage in current context");
                    }
                    globalArgs.add((ArgInstruction) instruction);
                } else {
                    body.add(instruction);
                }
            } catch (DockerfileException e) {
                throw location.place(e);
            }
        }
        if (from != null) {
            stages.add(stage(stages.size(), from, body));
        }
        return new DockerfileInstructions(file, result.escape(), globalArgs, stages, warnings);
    }

    private static Stage stage(int index, FromInstruction from, List<Instruction> body) {
        return new Stage(from.stageName(), index, from.image(), from.platform(), from, body, from.location());
    }

    /** Types one instruction; errors carry the node's location. */
    public static Instruction parse(String file, Node node) throws DockerfileException {
        try {
            return typed(file, node);
        } catch (DockerfileException e) {
            throw Location.of(file, node).place(e);
        }
    }

    private static Instruction typed(String file, Node node) throws DockerfileException {
        Keyword keyword = keyword(node);
        Location loc = Location.of(file, node);
        String orig = node.original();
        List<String> args = node.args();
        BuildFlags flags = new BuildFlags();
        switch (keyword) {
            case FROM: {
                flags.withString("platform").parse(node.flags());
                if (args.size() != 1 && args.size() != 3
                        || args.size() == 3 && !args.get(1).equalsIgnoreCase("as")) {
                    throw Instructions.error("FROM requires either one or three arguments");
                }
                String name = null;
                if (args.size() == 3) {
                    name = args.get(2).toLowerCase(Locale.ROOT);
                    if (!STAGE_NAME.matcher(name).matches()) {
                        throw Instructions.error("invalid name for build stage: \"" + args.get(2)
                                + "\", name can't start with a number or contain symbols");
                    }
                }
                return new FromInstruction(loc, orig, args.get(0), name, flags.string("platform"));
            }
            case RUN: {
                flags.withStrings("mount").withString("network").withString("security").parse(node.flags());
                List<String> specs = flags.strings("mount");
                List<Mount> mounts = new ArrayList<>();
                for (String spec : specs) {
                    mounts.add(Mount.parse(spec, null));
                }
                String network = flags.string("network");
                if (network != null && !NETWORK_MODES.contains(network)) {
                    throw Instructions.error("invalid network mode \"" + network + "\"");
                }
                String security = flags.string("security");
                if (security != null && !SECURITY_MODES.contains(security)) {
                    throw Instructions.error("security \"" + security + "\" is not valid");
                }
                return new RunInstruction(loc, orig, command(node), specs, mounts, network, security,
                        node.heredocs());
            }
            case CMD:
                flags.parse(node.flags());
                return new CmdInstruction(loc, orig, command(node));
            case ENTRYPOINT:
                flags.parse(node.flags());
                return new EntrypointInstruction(loc, orig, command(node));
            case SHELL:
                flags.parse(node.flags());
                if (args.isEmpty()) {
                    throw Instructions.error("SHELL requires at least one argument");
                }
                if (!node.jsonForm()) {
                    throw Instructions.error("SHELL requires the arguments to be in JSON form");
                }
                return new ShellInstruction(loc, orig, args);
            case ENV:
                flags.parse(node.flags());
                return new EnvInstruction(loc, orig, pairs("ENV", args));
            case LABEL:
                flags.parse(node.flags());
                return new LabelInstruction(loc, orig, pairs("LABEL", args));
            case MAINTAINER:
                flags.parse(node.flags());
                return new MaintainerInstruction(loc, orig, exactlyOne("MAINTAINER", args));
            case EXPOSE:
                flags.parse(node.flags());
                atLeastOne("EXPOSE", args);
                List<String> ports = new ArrayList<>(args);
                java.util.Collections.sort(ports);
                return new ExposeInstruction(loc, orig, ports);
            case VOLUME:
                flags.parse(node.flags());
                atLeastOne("VOLUME", args);
                List<String> volumes = new ArrayList<>();
                for (String v : args) {
                    if (v.isBlank()) {
                        throw Instructions.error("VOLUME specified can not be an empty string");
                    }
                    volumes.add(v.strip());
                }
                return new VolumeInstruction(loc, orig, volumes);
            case USER:
                flags.parse(node.flags());
                return new UserInstruction(loc, orig, exactlyOne("USER", args));
            case WORKDIR:
                flags.parse(node.flags());
                return new WorkdirInstruction(loc, orig, exactlyOne("WORKDIR", args));
            case STOPSIGNAL:
                return new StopsignalInstruction(loc, orig, exactlyOne("STOPSIGNAL", args));
            case ARG: {
                flags.parse(node.flags());
                atLeastOne("ARG", args);
                List<ArgInstruction.Definition> defs = new ArrayList<>();
                for (String a : args) {
                    int eq = a.indexOf('=');
                    String name = eq < 0 ? a : a.substring(0, eq);
                    if (name.isEmpty()) {
                        throw Instructions.error("ARG names can not be blank");
                    }
                    defs.add(new ArgInstruction.Definition(name, eq < 0 ? null : a.substring(eq + 1)));
                }
                return new ArgInstruction(loc, orig, defs);
            }
            case ONBUILD: {
                flags.parse(node.flags());
                Node trigger = node.nested();
                if (trigger == null) {
                    throw Instructions.error("ONBUILD requires at least one argument");
                }
                String triggerWord = trigger.keyword().strip().toUpperCase(Locale.ROOT);
                if (triggerWord.equals("ONBUILD")) {
                    throw Instructions.error("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
                }
                if (triggerWord.equals("FROM") || triggerWord.equals("MAINTAINER")) {
                    throw Instructions.error(triggerWord + " isn't allowed as an ONBUILD trigger");
                }
                Keyword triggerKeyword = Keyword.find(triggerWord).orElse(null);
                StringBuilder expression = new StringBuilder(ONBUILD_PREFIX.matcher(orig).replaceFirst(""));
                List<Heredoc> docs = node.heredocs().isEmpty() ? trigger.heredocs() : node.heredocs();
                for (Heredoc h : docs) {
                    expression.append('\n').append(h.content()).append(h.name());
                }
                return new OnbuildInstruction(loc, orig, triggerKeyword, expression.toString());
            }
            case HEALTHCHECK:
                return healthcheck(loc, node, flags);
            case COPY: {
                flags.withString("from").withString("chown").withString("chmod").withBool("link").withBool("parents")
                        .withStrings("exclude").parse(node.flags());
                Sources s = sources("COPY", node);
                String chmod = flags.string("chmod");
                return new CopyInstruction(loc, orig, s.paths, s.contents, s.dest, flags.string("from"),
                        flags.string("chown"), chmod, chmod(chmod), flags.bool("link"), flags.bool("parents"),
                        flags.strings("exclude"));
            }
            case ADD: {
                flags.withString("chown").withString("chmod").withBool("link").withString("checksum").withBool("keep-git-dir")
                        .withBool("unpack").withStrings("exclude").parse(node.flags());
                Sources s = sources("ADD", node);
                String chmod = flags.string("chmod");
                return new AddInstruction(loc, orig, s.paths, s.contents, s.dest, flags.string("chown"), chmod,
                        chmod(chmod), flags.bool("link"), flags.string("checksum"), flags.bool("keep-git-dir"),
                        flags.optionalBool("unpack"), flags.strings("exclude"));
            }
            default:
                throw new IllegalStateException("unhandled keyword " + keyword);
        }
    }

    private static Keyword keyword(Node node) throws DockerfileException {
        java.util.Optional<Keyword> k = Keyword.find(node.keyword());
        if (k.isPresent()) {
            return k.get();
        }
        String written = node.keyword();
        String text = node.original().strip();
        if (text.regionMatches(true, 0, written, 0, written.length())) {
            written = text.substring(0, written.length());
        }
        List<String> options = new ArrayList<>();
        for (Keyword kw : Keyword.values()) {
            options.add(kw.word());
        }
        throw Instructions.error("unknown instruction \"" + written + "\"" + Suggestions.hint(written, options, false));
    }

    private static CommandLine command(Node node) {
        return new CommandLine(node.args(), !node.jsonForm());
    }

    private static Chmod chmod(String value) throws DockerfileException {
        return value == null || value.indexOf('$') >= 0 ? null : Chmod.parse(value);
    }

    private static List<KeyValue> pairs(String keyword, List<String> args) throws DockerfileException {
        atLeastOne(keyword, args);
        if (args.size() % 3 != 0) {
            throw Instructions.error("Bad input to " + keyword + ", too many arguments");
        }
        List<KeyValue> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i += 3) {
            if (args.get(i).isEmpty()) {
                throw Instructions.error(keyword + " names can not be blank");
            }
            out.add(new KeyValue(args.get(i), args.get(i + 1)));
        }
        return out;
    }

    private static void atLeastOne(String keyword, List<String> args) throws DockerfileException {
        if (args.isEmpty()) {
            throw Instructions.error(keyword + " requires at least one argument");
        }
    }

    private static String exactlyOne(String keyword, List<String> args) throws DockerfileException {
        if (args.size() != 1) {
            throw Instructions.error(keyword + " requires exactly one argument");
        }
        return args.get(0);
    }

    private static HealthcheckInstruction healthcheck(Location loc, Node node, BuildFlags flags)
            throws DockerfileException {
        List<String> args = node.args();
        atLeastOne("HEALTHCHECK", args);
        String type = args.get(0).toUpperCase(Locale.ROOT);
        List<String> rest = args.subList(1, args.size());
        List<String> test = new ArrayList<>();
        if (type.equals("NONE")) {
            if (!rest.isEmpty()) {
                throw Instructions.error("HEALTHCHECK NONE takes no arguments");
            }
            return new HealthcheckInstruction(loc, node.original(), List.of("NONE"), Duration.ZERO, Duration.ZERO,
                    Duration.ZERO, Duration.ZERO, 0);
        }
        flags.withString("interval").withString("timeout").withString("start-period").withString("start-interval")
                .withString("retries").parse(node.flags());
        if (type.equals("CMD")) {
            if (rest.isEmpty() || !node.jsonForm() && rest.size() == 1 && rest.get(0).isBlank()) {
                throw Instructions.error("Missing command after HEALTHCHECK CMD");
            }
            if (node.jsonForm()) {
                test.add("CMD");
                test.addAll(rest);
            } else {
                test.add("CMD-SHELL");
                test.add(String.join(" ", rest));
            }
        } else {
            throw Instructions.error("Unknown type \"" + type + "\" in HEALTHCHECK (try CMD)");
        }
        int retries = 0;
        String r = flags.string("retries");
        if (r != null && !r.isEmpty()) {
            try {
                retries = Integer.parseInt(r);
            } catch (NumberFormatException e) {
                throw Instructions.error("strconv.ParseInt: parsing \"" + r + "\": "
                        + (r.matches("[+-]?[0-9]+") ? "value out of range" : "invalid syntax"));
            }
            if (retries < 0) {
                throw Instructions.error("--retries cannot be negative (" + retries + ")");
            }
        }
        return new HealthcheckInstruction(loc, node.original(), test, interval(flags, "interval"),
                interval(flags, "timeout"), interval(flags, "start-period"), interval(flags, "start-interval"),
                retries);
    }

    private static Duration interval(BuildFlags flags, String name) throws DockerfileException {
        String value = flags.string(name);
        if (value == null || value.isEmpty()) {
            return Duration.ZERO;
        }
        Duration d = Durations.parse(value);
        if (!d.isZero() && d.compareTo(Duration.ofMillis(1)) < 0) {
            throw Instructions.error("Interval \"" + name + "\" cannot be less than 1ms");
        }
        return d;
    }

    /** BuildKit's MustParseHeredoc: the heredoc a word opens, or null (also when it cannot be read). */
    private static Heredoc heredocWord(String word) {
        try {
            return Heredocs.parseWord(word, '\\').orElse(null);
        } catch (DockerfileException e) {
            return null;
        }
    }

    private static final class Sources {
        final List<String> paths = new ArrayList<>();
        final List<SourceContent> contents = new ArrayList<>();
        String dest;
    }

    private static Sources sources(String keyword, Node node) throws DockerfileException {
        List<String> args = node.args();
        if (args.size() < 2) {
            throw Instructions.error(keyword + " requires at least two arguments, but only one was provided. "
                    + "Destination could not be determined");
        }
        Sources s = new Sources();
        s.dest = args.get(args.size() - 1);
        if (heredocWord(s.dest) != null) {
            throw Instructions.error(keyword + " cannot accept a heredoc as a destination");
        }
        Map<String, Heredoc> byName = new HashMap<>();
        for (Heredoc h : node.heredocs()) {
            byName.put(h.name(), h);
        }
        for (String src : args.subList(0, args.size() - 1)) {
            Heredoc word = heredocWord(src);
            if (word == null) {
                s.paths.add(src);
                continue;
            }
            Heredoc body = byName.get(word.name());
            String content = body == null ? "" : body.content();
            s.contents.add(new SourceContent(word.name(), word.chomp() ? Heredocs.chomp(content) : content,
                    word.expand()));
        }
        return s;
    }
}
