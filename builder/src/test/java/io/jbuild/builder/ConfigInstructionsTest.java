package io.jbuild.builder;

import io.jbuild.dockerfile.DockerfileParser;
import io.jbuild.dockerfile.Instruction;
import io.jbuild.dockerfile.InstructionParser;
import io.jbuild.dockerfile.ShellLexer;
import io.jbuild.dockerfile.WordExpander;
import io.jbuild.layerstore.ImageConfig;
import io.jbuild.layerstore.ImageConfig.ContainerConfig;
import io.jbuild.layerstore.Platform;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expected values come from BuildKit's Dockerfile frontend: {@code dockerfile2llb/convert.go}
 * (dispatch* and commitToHistory), {@code convert_copy.go}, {@code convert_expose.go} and its test,
 * {@code convert_test.go} and {@code frontend/dockerfile/dockerfile_history_test.go}.
 */
class ConfigInstructionsTest {
    private static final Map<String, String> NO_ARGS = Map.of();
    private static final List<String> SH = List.of("/bin/sh", "-c");

    /** busybox-like base: Env PATH, Cmd ["sh"], WorkingDir "/". */
    private static ImageConfig base() {
        ContainerConfig c = new ContainerConfig(null, null, List.of("PATH=/usr/bin:/bin", "HOME=/root"), null,
                List.of("sh"), null, "/", null, null, null, null, null, null);
        return ImageConfig.scratch(Platform.of("linux", "amd64", null)).withConfig(c);
    }

    private static Instruction parse(String line) throws Exception {
        var result = DockerfileParser.parse("Dockerfile", line.getBytes(StandardCharsets.UTF_8));
        Instruction instruction = InstructionParser.parse("Dockerfile", result.nodes().get(0));
        return instruction.expand(WordExpander.of(new ShellLexer('\\'), Map.of("NAME", "world")));
    }

    private static ImageConfig apply(ImageConfig image, String line) throws Exception {
        return ConfigInstructions.apply(image, parse(line));
    }

    private static String createdBy(String line) throws Exception {
        return ConfigInstructions.createdBy(parse(line), NO_ARGS, SH);
    }

    // dispatchCmd: shell form wrapped with withShell(img, args); ArgsEscaped = true; history "CMD %q"
    @Test
    void apply_cmdShellForm_wrapsWithDefaultShellAndSetsArgsEscaped() throws Exception {
        ImageConfig out = apply(base(), "CMD echo hi");
        assertEquals(List.of("/bin/sh", "-c", "echo hi"), out.config().cmd());
        assertEquals(Boolean.TRUE, out.config().argsEscaped());
        assertEquals("CMD [\"/bin/sh\" \"-c\" \"echo hi\"]", createdBy("CMD echo hi"));
    }

    // dispatchCmd: ArgsEscaped is set for the exec form too
    @Test
    void apply_cmdExecForm_keepsArgsAndSetsArgsEscaped() throws Exception {
        ImageConfig out = apply(base(), "CMD [\"/app\", \"--flag=a b\"]");
        assertEquals(List.of("/app", "--flag=a b"), out.config().cmd());
        assertEquals(Boolean.TRUE, out.config().argsEscaped());
        assertEquals("CMD [\"/app\" \"--flag=a b\"]", createdBy("CMD [\"/app\", \"--flag=a b\"]"));
    }

    // withShell uses img.Config.Shell when set (SHELL instruction)
    @Test
    void apply_cmdAfterShell_usesImageShell() throws Exception {
        ImageConfig withShell = apply(base(), "SHELL [\"/bin/bash\", \"-eu\", \"-c\"]");
        assertEquals(List.of("/bin/bash", "-eu", "-c"), withShell.config().shell());
        ImageConfig out = apply(withShell, "CMD make all");
        assertEquals(List.of("/bin/bash", "-eu", "-c", "make all"), out.config().cmd());
        assertEquals("CMD [\"/bin/bash\" \"-eu\" \"-c\" \"make all\"]",
                ConfigInstructions.createdBy(withShell, parse("CMD make all"), NO_ARGS));
    }

    // dispatchShell: history "SHELL %v"
    @Test
    void createdBy_shell_goSliceFormat() throws Exception {
        assertEquals("SHELL [/bin/bash -eu -c]", createdBy("SHELL [\"/bin/bash\", \"-eu\", \"-c\"]"));
    }

    // dispatchEntrypoint: if !d.cmd.IsSet { Cmd = nil } -- clears the base image's Cmd
    @Test
    void apply_entrypointWithoutCmdInStage_clearsInheritedCmd() throws Exception {
        ImageConfig out = apply(base(), "ENTRYPOINT [\"/entry\"]");
        assertEquals(List.of("/entry"), out.config().entrypoint());
        assertNull(out.config().cmd());
        assertNull(out.config().argsEscaped());
        assertEquals("ENTRYPOINT [\"/entry\"]", createdBy("ENTRYPOINT [\"/entry\"]"));
    }

    // dispatchEntrypoint: a CMD earlier in the same stage survives
    @Test
    void apply_entrypointAfterCmdInStage_keepsCmd() throws Exception {
        ImageConfig withCmd = apply(base(), "CMD [\"serve\"]");
        ImageConfig out = ConfigInstructions.apply(withCmd, parse("ENTRYPOINT /entry --x"), true);
        assertEquals(List.of("/bin/sh", "-c", "/entry --x"), out.config().entrypoint());
        assertEquals(List.of("serve"), out.config().cmd());
    }

    // dockerfile_cmd_test.go testCmdShell... : SHELL ["ls"] then ENTRYPOINT my entrypoint -> [ls "my entrypoint"], Cmd nil
    @Test
    void apply_entrypointShellFormAfterShell_usesShellAndClearsCmd() throws Exception {
        ImageConfig out = apply(apply(base(), "SHELL [\"ls\"]"), "ENTRYPOINT my entrypoint");
        assertEquals(List.of("ls", "my entrypoint"), out.config().entrypoint());
        assertNull(out.config().cmd());
    }

    // dockerfile_cmd_test.go testDefaultShellAndPath: Windows shell-form ENTRYPOINT uses cmd /S /C, no PATH
    @Test
    void apply_entrypointOnWindows_usesCmdShell() throws Exception {
        ImageConfig windows = ConfigInstructions.scratch(Platform.of("windows", "amd64", null));
        assertEquals(List.of(), windows.config().env());
        ImageConfig out = apply(windows, "ENTRYPOINT foo bar");
        assertEquals(List.of("cmd", "/S", "/C", "foo bar"), out.config().entrypoint());
    }

    // convert.go emptyImage: FROM scratch has WorkingDir "/" and the default PATH on Linux
    @Test
    void scratch_linux_defaultPathAndRootWorkdir() {
        ImageConfig scratch = ConfigInstructions.scratch(Platform.of("linux", "arm64", "v8"));
        assertEquals(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                scratch.config().env());
        assertEquals("/", scratch.config().workingDir());
        assertEquals(List.of(), scratch.rootfs().diffIds());
        assertEquals("v8", scratch.variant());
    }

    // addEnv uses shell.EqualEnvKeys: case-insensitive on Windows
    @Test
    void apply_envOnWindows_replacesCaseInsensitively() throws Exception {
        ImageConfig windows = ConfigInstructions.scratch(Platform.of("windows", "amd64", null));
        ImageConfig out = apply(apply(windows, "ENV Path=C:/a"), "ENV PATH=C:/b");
        assertEquals(List.of("PATH=C:/b"), out.config().env());
    }

    // dispatchEnv + addEnv: replace in place (order kept), else append; history "ENV k=v k2=v2"
    @Test
    void apply_env_replacesInPlaceAndAppends() throws Exception {
        ImageConfig out = apply(base(), "ENV PATH=/opt/bin:$PATH A=\"x y\"");
        // the test expander has no PATH: $PATH expands to ""
        assertEquals(List.of("PATH=/opt/bin:", "HOME=/root", "A=x y"), out.config().env());
        assertEquals("ENV PATH=/opt/bin: A=x y", createdBy("ENV PATH=/opt/bin:$PATH A=\"x y\""));
    }

    // addEnv: keys compare case-sensitively on Linux (shell.EqualEnvKeys)
    @Test
    void apply_envDifferentCase_appendsOnLinux() throws Exception {
        ImageConfig out = apply(base(), "ENV home=/h");
        assertEquals(List.of("PATH=/usr/bin:/bin", "HOME=/root", "home=/h"), out.config().env());
    }

    // legacy ENV k v form: same history text k=v
    @Test
    void createdBy_envLegacyForm_keyEqualsValue() throws Exception {
        assertEquals("ENV GREETING=hello world", createdBy("ENV GREETING hello world"));
    }

    // dispatchLabel: history "LABEL k=v" for each pair, in order
    @Test
    void apply_label_setsLabels() throws Exception {
        ImageConfig out = apply(base(), "LABEL b=2 a=\"hello $NAME\"");
        assertEquals(Map.of("a", "hello world", "b", "2"), out.config().labels());
        assertEquals("LABEL b=2 a=hello world", createdBy("LABEL b=2 a=\"hello $NAME\""));
    }

    // dispatchMaintainer: image Author; history "MAINTAINER %v"
    @Test
    void apply_maintainer_setsAuthor() throws Exception {
        ImageConfig out = apply(base(), "MAINTAINER Jane Doe <jane@example.com>");
        assertEquals("Jane Doe <jane@example.com>", out.author());
        assertEquals("MAINTAINER Jane Doe <jane@example.com>", createdBy("MAINTAINER Jane Doe <jane@example.com>"));
    }

    // dockerfile_history_test.go testExportedHistory: "EXPOSE 2375 5000 1234/udp" -> "EXPOSE [1234/udp 2375/tcp 5000/tcp]"
    @Test
    void apply_expose_normalisesAndSortsAsBuildKit() throws Exception {
        ImageConfig out = apply(base(), "EXPOSE 2375 5000 1234/udp");
        assertEquals(List.of("1234/udp", "2375/tcp", "5000/tcp"), List.copyOf(out.config().exposedPorts()));
        assertEquals("EXPOSE [1234/udp 2375/tcp 5000/tcp]", createdBy("EXPOSE 2375 5000 1234/udp"));
    }

    // convert_expose_test.go TestParsePortsWithRange / TestParsePortFull; proto lower-cased
    @Test
    void exposedPorts_rangesHostPartsAndProtoCase_expanded() throws Exception {
        assertEquals(List.of("8000/tcp", "8001/tcp", "8002/tcp", "53/udp", "3333/tcp", "3334/tcp", "80/tcp", "333/tcp",
                        "9/sctp"),
                ConfigInstructions.exposedPorts(List.of("8000-8002", "53/UDP", "0.0.0.0:1234-1235:3333-3334/tcp",
                        "[::1]:80:80", "[2001:4860:0:2001::68]::333", "9/sctp")));
    }

    // convert_expose_test.go TestParsePortEmptyContainerPort and the proto/range errors
    @Test
    void exposedPorts_invalid_reportsBuildKitMessages() {
        assertEquals("invalid port: \"0.0.0.0:1234-1235:/tcp\": no port specified", assertThrows(BuildException.class,
                () -> ConfigInstructions.exposedPorts(List.of("0.0.0.0:1234-1235:/tcp"))).getMessage());
        assertEquals("invalid port: \"80/foo\": invalid proto: foo", assertThrows(BuildException.class,
                () -> ConfigInstructions.exposedPorts(List.of("80/foo"))).getMessage());
        assertEquals("invalid containerPort: 70000", assertThrows(BuildException.class,
                () -> ConfigInstructions.exposedPorts(List.of("70000"))).getMessage());
        assertEquals("invalid containerPort: 9-8", assertThrows(BuildException.class,
                () -> ConfigInstructions.exposedPorts(List.of("9-8"))).getMessage());
        assertEquals("invalid IP address: localhost", assertThrows(BuildException.class,
                () -> ConfigInstructions.exposedPorts(List.of("localhost:1234:1234/tcp"))).getMessage());
        assertEquals("invalid ranges specified for container and host Ports: 1-3 and 1-2",
                assertThrows(BuildException.class,
                        () -> ConfigInstructions.exposedPorts(List.of("1-2:1-3"))).getMessage());
    }

    // apply places its errors at the instruction
    @Test
    void apply_invalidExpose_placedAtInstruction() {
        BuildException e = assertThrows(BuildException.class, () -> apply(base(), "EXPOSE 80/foo"));
        assertEquals("Dockerfile:1: invalid port: \"80/foo\": invalid proto: foo", e.getMessage());
        assertEquals(1, e.location().startLine());
    }

    // dispatchVolume: history "VOLUME %v" in written order; config is a set
    @Test
    void apply_volume_addsVolumes() throws Exception {
        ImageConfig out = apply(base(), "VOLUME [\"/var/b\", \"/data\"]");
        assertEquals(List.of("/data", "/var/b"), List.copyOf(out.config().volumes()));
        assertEquals("VOLUME [/var/b /data]", createdBy("VOLUME [\"/var/b\", \"/data\"]"));
    }

    // dispatchUser: history "USER %v"
    @Test
    void apply_user_setsUser() throws Exception {
        ImageConfig out = apply(base(), "USER app:app");
        assertEquals("app:app", out.config().user());
        assertEquals("USER app:app", createdBy("USER app:app"));
    }

    // dispatchWorkdir + system.NormalizeWorkdir: relative joins the previous WORKDIR and is cleaned
    @Test
    void apply_workdirRelative_joinsPreviousAndCleans() throws Exception {
        ImageConfig first = apply(base(), "WORKDIR /app");
        ImageConfig out = apply(first, "WORKDIR ./src/../lib");
        assertEquals("/app/lib", out.config().workingDir());
        assertEquals("WORKDIR /app/lib", ConfigInstructions.createdBy(first, parse("WORKDIR ./src/../lib"), NO_ARGS));
        assertFalse(ConfigInstructions.emptyLayer(first, parse("WORKDIR ./src/../lib")));
    }

    // NormalizePath keeps an absolute path as written (only relative paths go through path.Join)
    @Test
    void apply_workdirAbsolute_keptAsWritten() throws Exception {
        assertEquals("/a//b/", apply(base(), "WORKDIR /a//b/").config().workingDir());
    }

    // dispatchWorkdir: withLayer only when wd != "/"; testExportedHistory expects "WORKDIR /" with EmptyLayer true
    @Test
    void emptyLayer_workdirRoot_true() throws Exception {
        assertTrue(ConfigInstructions.emptyLayer(parse("WORKDIR /")));
        assertEquals("WORKDIR /", createdBy("WORKDIR /"));
        ImageConfig app = apply(base(), "WORKDIR /app");
        assertTrue(ConfigInstructions.emptyLayer(app, parse("WORKDIR ..")));
        assertFalse(ConfigInstructions.emptyLayer(parse("WORKDIR /app")));
    }

    // dispatchStopSignal: signal.ParseSignal validates; history "STOPSIGNAL %v"
    @Test
    void apply_stopsignal_validatesNameOrNumber() throws Exception {
        assertEquals("SIGTERM", apply(base(), "STOPSIGNAL SIGTERM").config().stopSignal());
        assertEquals("9", apply(base(), "STOPSIGNAL 9").config().stopSignal());
        assertEquals("rtmin+3", apply(base(), "STOPSIGNAL rtmin+3").config().stopSignal());
        assertEquals("STOPSIGNAL SIGKILL", createdBy("STOPSIGNAL SIGKILL"));
        assertEquals("Dockerfile:1: invalid signal: SIGFOO",
                assertThrows(BuildException.class, () -> apply(base(), "STOPSIGNAL SIGFOO")).getMessage());
        assertThrows(BuildException.class, () -> apply(base(), "STOPSIGNAL 0"));
    }

    // dispatchHealthcheck: Test as parsed (CMD-SHELL not wrapped), durations in ns, zero values omitted
    @Test
    void apply_healthcheck_durationsInNanosZeroOmitted() throws Exception {
        ImageConfig out = apply(base(), "HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/");
        ImageConfig.Healthcheck h = out.config().healthcheck();
        assertEquals(List.of("CMD-SHELL", "curl -f http://localhost/"), h.test());
        assertEquals(30_000_000_000L, h.interval());
        assertNull(h.timeout());
        assertNull(h.startPeriod());
        assertNull(h.startInterval());
        assertEquals(3, h.retries());
    }

    // convert_test.go TestDispatchHealthcheckHistory: "HEALTHCHECK %+v" with Go durations
    @Test
    void createdBy_healthcheck_goStructFormat() throws Exception {
        assertEquals("HEALTHCHECK {Test:[CMD bin -c exit 0] Interval:1s Timeout:10s StartPeriod:3s "
                        + "StartInterval:100ms Retries:5}",
                createdBy("HEALTHCHECK --interval=1s --timeout=10s --start-period=3s --start-interval=100ms "
                        + "--retries=5 CMD [\"bin\", \"-c\", \"exit 0\"]"));
        assertEquals("HEALTHCHECK {Test:[CMD-SHELL true] Interval:1m30s Timeout:0s StartPeriod:0s StartInterval:0s "
                + "Retries:0}", createdBy("HEALTHCHECK --interval=90s CMD true"));
    }

    // parseHealthcheck: NONE -> Test ["NONE"] and nothing else
    @Test
    void apply_healthcheckNone_testNone() throws Exception {
        ImageConfig.Healthcheck h = apply(base(), "HEALTHCHECK NONE").config().healthcheck();
        assertEquals(List.of("NONE"), h.test());
        assertNull(h.interval());
        assertNull(h.retries());
        assertEquals("HEALTHCHECK {Test:[NONE] Interval:0s Timeout:0s StartPeriod:0s StartInterval:0s Retries:0}",
                createdBy("HEALTHCHECK NONE"));
    }

    // dispatchOnbuild appends c.Expression (the trigger text, ONBUILD removed) and writes no history
    @Test
    void apply_onbuild_storesTriggerTextWithoutHistory() throws Exception {
        ImageConfig out = apply(apply(base(), "ONBUILD RUN echo one"), "onbuild  COPY a /b");
        assertEquals(List.of("RUN echo one", "COPY a /b"), out.config().onBuild());
        assertNull(createdBy("ONBUILD RUN echo one"));
        assertFalse(ConfigInstructions.recordsHistory(parse("ONBUILD RUN echo one")));
        assertFalse(ConfigInstructions.recordsHistory(parse("FROM busybox")));
    }

    // dispatchArg: config unchanged; history "ARG k=v k2" (empty layer)
    @Test
    void apply_arg_configUnchangedHistoryListsValues() throws Exception {
        ImageConfig image = base();
        assertEquals(image, apply(image, "ARG A=1 B"));
        assertEquals("ARG A=1 B", createdBy("ARG A=1 B"));
        assertTrue(ConfigInstructions.emptyLayer(parse("ARG A=1")));
    }

    // dispatchRun + runCommandString: shell wrapped, " # buildkit" suffix, not an empty layer
    @Test
    void createdBy_runShellForm_shellWrappedWithBuildkitSuffix() throws Exception {
        assertEquals("RUN /bin/sh -c echo bar > foo4 # buildkit", createdBy("RUN echo bar > foo4"));
        assertEquals("RUN ls # buildkit", createdBy("RUN [\"ls\"]"));
        assertFalse(ConfigInstructions.emptyLayer(parse("RUN ls")));
    }

    // dockerfile_history_test.go testExportedHistoryFlattenArgs: "RUN |2 foo=bar2 bar=123 "
    @Test
    void createdBy_runWithBuildArgs_listsCountAndPairs() throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("foo", "bar2");
        args.put("bar", "123");
        assertEquals("RUN |2 foo=bar2 bar=123 /bin/sh -c ls /etc/ # buildkit",
                ConfigInstructions.createdBy(parse("RUN ls /etc/"), args, SH));
    }

    // dispatchRun: a RUN that is one heredoc runs its body with the shell; <<- removes leading tabs
    @Test
    void createdBy_runSingleHeredoc_runsBody() throws Exception {
        assertEquals("RUN /bin/sh -c echo a\necho b\n # buildkit", createdBy("RUN <<-EOF\n\techo a\n\techo b\nEOF\n"));
    }

    // dispatchRun: a heredoc starting with #! is run from /dev/pipes/<name>
    @Test
    void createdBy_runShebangHeredoc_runsPipeFile() throws Exception {
        assertEquals("RUN /bin/sh -c /dev/pipes/EOF # buildkit",
                createdBy("RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n"));
    }

    // dispatchRun: other heredoc lines get "\n" + body + terminator appended
    @Test
    void createdBy_runComplexHeredoc_reconstitutesLine() throws Exception {
        assertEquals("RUN /bin/sh -c cat <<EOF > /x\nhello\nEOF # buildkit",
                createdBy("RUN cat <<EOF > /x\nhello\nEOF\n"));
    }

    // dispatchCopy: COPY [--parents] [--chown] [--chmod] srcs [<<heredocs] dest # buildkit; --from/--link not listed
    @Test
    void createdBy_copy_flagsSourcesDest() throws Exception {
        assertEquals("COPY foo2 foo3 # buildkit", createdBy("COPY --from=base foo2 foo3"));
        assertEquals("COPY --parents --chown=1:2 --chmod=644 a b /dst/ # buildkit",
                createdBy("COPY --link --parents --chown=1:2 --chmod=644 a b /dst/"));
        assertEquals("COPY <<file1 /dst # buildkit", createdBy("COPY <<file1 /dst\nhello\nfile1\n"));
        assertEquals("ADD --chown=app https://example.com/x.tgz /opt/ # buildkit",
                createdBy("ADD --chown=app https://example.com/x.tgz /opt/"));
        assertFalse(ConfigInstructions.emptyLayer(parse("COPY a b")));
        assertFalse(ConfigInstructions.emptyLayer(parse("ADD a b")));
    }

    // commitToHistory(..., false, nil, ...) for metadata instructions: empty layers
    @Test
    void emptyLayer_metadataInstructions_true() throws Exception {
        for (String line : List.of("ENV A=1", "LABEL a=b", "MAINTAINER x", "EXPOSE 80", "VOLUME /v", "USER u",
                "STOPSIGNAL 9", "HEALTHCHECK NONE", "SHELL [\"/bin/sh\", \"-c\"]", "CMD x", "ENTRYPOINT x",
                "ARG X")) {
            assertTrue(ConfigInstructions.emptyLayer(parse(line)), line);
        }
    }

    // dispatch of RUN/COPY/ADD/FROM leaves the config to the caller
    @Test
    void apply_layerInstructions_returnImageUnchanged() throws Exception {
        ImageConfig image = base();
        assertEquals(image, apply(image, "RUN make"));
        assertEquals(image, apply(image, "COPY a b"));
    }

    @Test
    void apply_scratchImage_startsFromEmptyConfig() throws Exception {
        ImageConfig out = apply(ImageConfig.scratch(Platform.of("linux", "amd64", null)), "ENV A=1");
        assertEquals(List.of("A=1"), out.config().env());
    }

    // runCommandString: one entry per ARG key at its first position, the env value winning (ENV after ARG)
    @Test
    void runArgs_duplicatesAndEnv_orderedOnceEnvWins() {
        List<io.jbuild.dockerfile.ArgInstruction.Definition> declared = List.of(
                new io.jbuild.dockerfile.ArgInstruction.Definition("foo", "bar"),
                new io.jbuild.dockerfile.ArgInstruction.Definition("bar", "123"),
                new io.jbuild.dockerfile.ArgInstruction.Definition("foo", "bar2"),
                new io.jbuild.dockerfile.ArgInstruction.Definition("unset", null),
                new io.jbuild.dockerfile.ArgInstruction.Definition("home", null));
        Map<String, String> args = ConfigInstructions.runArgs(declared,
                Map.of("foo", "bar2", "bar", "456", "home", "/root"));
        assertEquals(List.of("foo=bar2", "bar=456", "unset=", "home=/root"),
                args.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    // commitToHistory: comment "buildkit.dockerfile.v0", empty_layer per instruction, none for ONBUILD
    @Test
    void history_entries_commentAndEmptyLayer() throws Exception {
        ImageConfig.History env = ConfigInstructions.history(base(), parse("ENV A=1"), NO_ARGS, "2026-11-23T09:00:00Z");
        assertEquals(new ImageConfig.History("2026-11-23T09:00:00Z", "ENV A=1", null, "buildkit.dockerfile.v0", true),
                env);
        ImageConfig.History run = ConfigInstructions.history(base(), parse("RUN make"), NO_ARGS, null);
        assertEquals("RUN /bin/sh -c make # buildkit", run.createdBy());
        assertFalse(run.isEmptyLayer());
        assertNull(ConfigInstructions.history(base(), parse("ONBUILD RUN x"), NO_ARGS, null));
    }

    @Test
    void duration_goValues_formattedAsGo() {
        assertEquals("0s", GoFormats.duration(0));
        assertEquals("1ns", GoFormats.duration(1));
        assertEquals("1.5\u00b5s", GoFormats.duration(1_500));
        assertEquals("100ms", GoFormats.duration(100_000_000));
        assertEquals("1.5s", GoFormats.duration(1_500_000_000));
        assertEquals("1h0m0s", GoFormats.duration(3_600_000_000_000L));
        assertEquals("1h1m1.001s", GoFormats.duration(3_661_001_000_000L));
    }
}
