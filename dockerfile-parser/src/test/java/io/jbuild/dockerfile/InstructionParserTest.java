package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InstructionParserTest {

    static DockerfileInstructions parse(String text) throws DockerfileException {
        return InstructionParser.parse(DockerfileParser.parse("Dockerfile", text.getBytes(StandardCharsets.UTF_8)));
    }

    static Instruction first(String text) throws DockerfileException {
        return parse("FROM scratch\n" + text).stages().get(0).instructions().get(0);
    }

    static String error(String text) {
        return assertThrows(DockerfileException.class, () -> parse(text)).getMessage();
    }

    static Node node(String keyword, List<String> flags, List<String> args, boolean json) {
        return new Node(keyword, flags, args, null, List.of(), json, keyword.toUpperCase() + " " + args, 3, 3, 1);
    }

    // --- built from Node records directly

    @Test
    void parse_nodeCopyWithFlags_typesAllFields() throws Exception {
        Node n = node("copy", List.of("--from=build", "--chown=1:2", "--chmod=0644", "--link", "--exclude=*.md",
                "--exclude=x"), List.of("a", "b", "/dst/"), false);
        CopyInstruction c = (CopyInstruction) InstructionParser.parse("Dockerfile", n);
        assertEquals(List.of("a", "b"), c.sources());
        assertEquals("/dst/", c.dest());
        assertEquals("build", c.from());
        assertEquals("1:2", c.chown());
        assertEquals(0644, c.chmodMode().octal());
        assertTrue(c.link());
        assertFalse(c.parents());
        assertEquals(List.of("*.md", "x"), c.excludes());
        assertEquals(new Location("Dockerfile", 3, 3, 1), c.location());
    }

    @Test
    void parse_nodeUnknownFlag_suggestsClosest() {
        Node n = node("copy", List.of("--form=a"), List.of("x", "y"), false);
        DockerfileException e = assertThrows(DockerfileException.class, () -> InstructionParser.parse("Dockerfile", n));
        assertEquals("Dockerfile:3:1: unknown flag: --form (did you mean --from?)", e.getMessage());
        assertEquals(3, e.line());
    }

    @Test
    void parse_nodeFlagTerminator_stopsFlagParsing() throws Exception {
        Node n = node("copy", List.of("--link", "--", "--bogus"), List.of("x", "y"), false);
        assertTrue(((CopyInstruction) InstructionParser.parse("Dockerfile", n)).link());
        Node bad = node("copy", List.of("-x"), List.of("x", "y"), false);
        DockerfileException e = assertThrows(DockerfileException.class, () -> InstructionParser.parse("Dockerfile", bad));
        assertEquals("Dockerfile:3:1: arg should start with -- : -x", e.getMessage());
    }

    @Test
    void parse_nodeLegacyEnv_givesOnePair() throws Exception {
        Node n = node("env", List.of(), List.of("k", "v w", ""), false);
        EnvInstruction env = (EnvInstruction) InstructionParser.parse("Dockerfile", n);
        assertEquals(List.of(new KeyValue("k", "v w")), env.env());
    }

    @Test
    void parse_nodeOnbuildTrigger_keepsExpression() throws Exception {
        Node trigger = node("run", List.of(), List.of("make"), false);
        Node n = new Node("onbuild", List.of(), List.of(), trigger, List.of(), false, "ONBUILD RUN make", 2, 2, 1);
        OnbuildInstruction o = (OnbuildInstruction) InstructionParser.parse("Dockerfile", n);
        assertEquals(Keyword.RUN, o.triggerKeyword());
        assertEquals("RUN make", o.expression());
    }

    @Test
    void parse_nodeUnknownKeyword_suggests() {
        Node n = new Node("runn", List.of(), List.of(""), null, List.of(), false, "RUNN x", 7, 7, 1);
        DockerfileException e = assertThrows(DockerfileException.class, () -> InstructionParser.parse("Dockerfile", n));
        assertEquals("Dockerfile:7:1: unknown instruction \"RUNN\" (did you mean RUN?)", e.getMessage());
    }

    // --- from Dockerfile text

    @Test
    void parse_stages_groupsInstructionsAndGlobalArgs() throws Exception {
        DockerfileInstructions d = parse("ARG V=1\nFROM alpine:$V AS Build\nRUN make\n"
                + "FROM --platform=$BUILDPLATFORM scratch\nCOPY --from=build /a /b\n");
        assertEquals(1, d.globalArgs().size());
        assertEquals(2, d.stages().size());
        Stage s0 = d.stages().get(0);
        assertEquals("build", s0.name());
        assertEquals("alpine:$V", s0.baseImage());
        assertEquals(1, s0.instructions().size());
        assertEquals(2, s0.location().startLine());
        Stage s1 = d.stages().get(1);
        assertNull(s1.name());
        assertEquals("$BUILDPLATFORM", s1.platform());
        assertEquals(1, s1.index());
    }

    @Test
    void parse_runShellAndExec_keepsForm() throws Exception {
        RunInstruction shell = (RunInstruction) first("RUN echo $HOME && ls\n");
        assertEquals(new CommandLine(List.of("echo $HOME && ls"), true), shell.command());
        RunInstruction exec = (RunInstruction) first("RUN [\"ls\", \"-l\"]\n");
        assertEquals(new CommandLine(List.of("ls", "-l"), false), exec.command());
    }

    @Test
    void parse_runMounts_appliesDefaults() throws Exception {
        RunInstruction r = (RunInstruction) first("RUN --mount=type=cache,target=/root/.m2,sharing=locked "
                + "--mount=type=secret,id=tok --mount=target=/src --mount=type=ssh,required "
                + "--mount=type=tmpfs,dst=/t,size=64m --network=none --security=insecure make\n");
        List<Mount> m = r.mounts();
        assertEquals(5, m.size());
        assertEquals(MountType.CACHE, m.get(0).type());
        assertFalse(m.get(0).readOnly());
        assertEquals("locked", m.get(0).sharing());
        assertEquals("/root/.m2", m.get(0).effectiveId());
        assertEquals("/run/secrets/tok", m.get(1).effectiveTarget(0));
        assertTrue(m.get(1).readOnly());
        assertEquals(MountType.BIND, m.get(2).type());
        assertTrue(m.get(2).readOnly());
        assertTrue(m.get(3).required());
        assertEquals("default", m.get(3).effectiveId());
        assertEquals("/run/buildkit/ssh_agent.0", m.get(3).effectiveTarget(0));
        assertEquals(64L * 1024 * 1024, m.get(4).sizeLimit());
        assertEquals("none", r.network());
        assertEquals("insecure", r.security());
    }

    @Test
    void parse_runMountSecretTarget_derivesId() throws Exception {
        RunInstruction r = (RunInstruction) first("RUN --mount=type=secret,target=/etc/tok,mode=0400,uid=1,gid=2 x\n");
        Mount m = r.mounts().get(0);
        assertEquals("tok", m.effectiveId());
        assertEquals(0400L, m.mode());
        assertEquals(1L, m.uid());
        assertEquals(2L, m.gid());
    }

    @Test
    void parse_runMountWithVariables_validatedByExpand() throws Exception {
        RunInstruction r = (RunInstruction) first("RUN --mount=type=$T,target=/c,id=$ID x\n");
        RunInstruction e = r.expand(word -> word.replace("$T", "cache").replace("$ID", "m2"));
        assertEquals(MountType.CACHE, e.mounts().get(0).type());
        assertEquals("m2", e.mounts().get(0).id());
        assertEquals(List.of("x"), e.command().args());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("FROM a\nRUNN x\n", "Dockerfile:2:1: unknown instruction \"RUNN\" (did you mean RUN?)"),
                Arguments.of("FROM a\nFOOBARBAZ x\n", "Dockerfile:2:1: unknown instruction \"FOOBARBAZ\""),
                Arguments.of("FROM a\n\n\nCOPY --form=b x y\n", "Dockerfile:4:1: unknown flag: --form (did you mean --from?)"),
                Arguments.of("FROM a\nRUN --chown=1 x\n", "Dockerfile:2:1: unknown flag: --chown"),
                Arguments.of("FROM a\nCOPY --link=maybe x y\n", "Dockerfile:2:1: expecting boolean value for flag --link, not: maybe"),
                Arguments.of("FROM a\nCOPY --link= x y\n", "Dockerfile:2:1: missing a value on flag: --link"),
                Arguments.of("FROM a\nCOPY --from x y\n", "Dockerfile:2:1: missing a value on flag: --from"),
                Arguments.of("FROM a\nCOPY --from=a --from=b x y\n", "Dockerfile:2:1: duplicate flag specified: --from"),
                Arguments.of("FROM a\nCOPY x\n", "Dockerfile:2:1: COPY requires at least two arguments, but only one was provided. Destination could not be determined"),
                Arguments.of("FROM a\nADD x\n", "Dockerfile:2:1: ADD requires at least two arguments, but only one was provided. Destination could not be determined"),
                Arguments.of("FROM a\nCOPY --chmod=0999 x y\n", "Dockerfile:2:1: invalid chmod parameter: '0999'. it should be octal string and between 0 and 07777 or a symbolic mode such as u+x"),
                Arguments.of("FROM a\nCOPY --chmod=u+q x y\n", "Dockerfile:2:1: invalid chmod parameter: 'u+q'. it should be octal string and between 0 and 07777 or a symbolic mode such as u+x"),
                Arguments.of("FROM a b\n", "Dockerfile:1:1: FROM requires either one or three arguments"),
                Arguments.of("FROM a to b\n", "Dockerfile:1:1: FROM requires either one or three arguments"),
                Arguments.of("FROM a AS 1st\n", "Dockerfile:1:1: invalid name for build stage: \"1st\", name can't start with a number or contain symbols"),
                Arguments.of("FROM a AS b@c\n", "Dockerfile:1:1: invalid name for build stage: \"b@c\", name can't start with a number or contain symbols"),
                Arguments.of("FROM --plaform=x a\n", "Dockerfile:1:1: unknown flag: --plaform (did you mean --platform?)"),
                Arguments.of("RUN x\n", "Dockerfile:1:1: no build stage in current context"),
                Arguments.of("FROM a\nONBUILD ONBUILD RUN x\n", "Dockerfile:2:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
                Arguments.of("FROM a\nONBUILD FROM b\n", "Dockerfile:2:1: FROM isn't allowed as an ONBUILD trigger"),
                Arguments.of("FROM a\nONBUILD MAINTAINER b\n", "Dockerfile:2:1: MAINTAINER isn't allowed as an ONBUILD trigger"),
                Arguments.of("FROM a\nSHELL /bin/sh -c\n", "Dockerfile:2:1: SHELL requires the arguments to be in JSON form"),
                Arguments.of("FROM a\nMAINTAINER\n", "Dockerfile:2:1: MAINTAINER requires exactly one argument"),
                Arguments.of("FROM a\nWORKDIR\n", "Dockerfile:2:1: WORKDIR requires exactly one argument"),
                Arguments.of("FROM a\nSTOPSIGNAL\n", "Dockerfile:2:1: STOPSIGNAL requires exactly one argument"),
                Arguments.of("FROM a\nEXPOSE\n", "Dockerfile:2:1: EXPOSE requires at least one argument"),
                Arguments.of("FROM a\nHEALTHCHECK FOO x\n", "Dockerfile:2:1: Unknown type \"FOO\" in HEALTHCHECK (try CMD)"),
                Arguments.of("FROM a\nHEALTHCHECK NONE x\n", "Dockerfile:2:1: HEALTHCHECK NONE takes no arguments"),
                Arguments.of("FROM a\nHEALTHCHECK --interval=-1s CMD x\n", "Dockerfile:2:1: Interval \"interval\" cannot be less than 1ms"),
                Arguments.of("FROM a\nHEALTHCHECK --timeout=10us CMD x\n", "Dockerfile:2:1: Interval \"timeout\" cannot be less than 1ms"),
                Arguments.of("FROM a\nHEALTHCHECK --interval=5 CMD x\n", "Dockerfile:2:1: time: missing unit in duration \"5\""),
                Arguments.of("FROM a\nHEALTHCHECK --interval=5y CMD x\n", "Dockerfile:2:1: time: unknown unit \"y\" in duration \"5y\""),
                Arguments.of("FROM a\nHEALTHCHECK --retries=-1 CMD x\n", "Dockerfile:2:1: --retries cannot be negative (-1)"),
                Arguments.of("FROM a\nHEALTHCHECK --retires=1 CMD x\n", "Dockerfile:2:1: unknown flag: --retires (did you mean --retries?)"),
                Arguments.of("FROM a\nRUN --network=hots x\n", "Dockerfile:2:1: invalid network mode \"hots\""),
                Arguments.of("FROM a\nRUN --security=unsafe x\n", "Dockerfile:2:1: security \"unsafe\" is not valid"),
                Arguments.of("FROM a\nRUN --mount=type=bnd,target=/x x\n", "Dockerfile:2:1: unsupported mount type \"bnd\" (did you mean bind?)"),
                Arguments.of("FROM a\nRUN --mount=type=cache,target=/x,sharing=lock x\n", "Dockerfile:2:1: unsupported sharing value \"lock\" (did you mean locked?)"),
                Arguments.of("FROM a\nRUN --mount=type=cache,taget=/x x\n", "Dockerfile:2:1: unexpected key 'taget' in 'taget=/x' (did you mean target?)"),
                Arguments.of("FROM a\nRUN --mount=type=bind,target=/x,mode=0700 x\n", "Dockerfile:2:1: mode not allowed for \"bind\" type mounts"),
                Arguments.of("FROM a\nRUN --mount=type=tmpfs,target=/x,uid=1 x\n", "Dockerfile:2:1: uid not allowed for \"tmpfs\" type mounts"),
                Arguments.of("FROM a\nRUN --mount=type=cache,target=/x,mode=9 x\n", "Dockerfile:2:1: invalid value 9 for mode"),
                Arguments.of("FROM a\nRUN --mount=type=cache,target=/x,uid=u x\n", "Dockerfile:2:1: invalid value u for uid"),
                Arguments.of("FROM a\nRUN --mount=type=bind,target=/x,required x\n", "Dockerfile:2:1: unexpected key 'required' for mount type 'bind'"),
                Arguments.of("FROM a\nRUN --mount=type=bind,target=/x,size=1m x\n", "Dockerfile:2:1: unexpected key 'size' for mount type 'bind'"),
                Arguments.of("FROM a\nRUN --mount=type=tmpfs,target=/x,size=big x\n", "Dockerfile:2:1: invalid value for size: big"),
                Arguments.of("FROM a\nRUN --mount=type=bind,target=/x,ro=maybe x\n", "Dockerfile:2:1: invalid value for ro: maybe"),
                Arguments.of("FROM a\nRUN --mount=type=bind,target=/x,foo x\n", "Dockerfile:2:1: invalid field 'foo' must be a key=value pair"),
                Arguments.of("FROM a\nRUN --mount=type=secret,from=b,id=x x\n", "Dockerfile:2:1: secret mount should not have a from"),
                Arguments.of("FROM a\nRUN --mount=type=secret,id=x,sharing=shared x\n", "Dockerfile:2:1: secret mount should not define sharing"),
                Arguments.of("FROM a\nRUN --mount=type=secret x\n", "Dockerfile:2:1: invalid secret mount. one of source, target required"),
                Arguments.of("FROM a\nRUN --mount=type=secret,id=a,src=b x\n", "Dockerfile:2:1: both source and id can't be set"),
                Arguments.of("FROM a\nRUN --mount=type=tmpfs,target=/x,sharing=shared x\n", "Dockerfile:2:1: invalid cache sharing set for tmpfs mount"),
                Arguments.of("FROM a\nRUN --mount=type=bind,target=/x,from=$S x\n", "Dockerfile:2:1: 'from' doesn't support variable expansion, define alias stage instead"),
                Arguments.of("FROM a\nRUN --mount=type=bind,target=/x,env=A x\n", "Dockerfile:2:1: unexpected key 'env' for mount type 'bind'"),
                Arguments.of("FROM a\nARG =x\n", "Dockerfile:2:1: ARG names can not be blank"),
                Arguments.of("FROM a\nENV =x\n", "Dockerfile:2:1: ENV names can not be blank"),
                Arguments.of("FROM a\nLABEL =x\n", "Dockerfile:2:1: LABEL names can not be blank"),
                Arguments.of("FROM a\nVOLUME [\"\"]\n", "Dockerfile:2:1: VOLUME specified can not be an empty string"),
                Arguments.of("FROM a\nENV a=b\nUSER --x=1 me\n", "Dockerfile:3:1: unknown flag: --x"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void parse_invalidInstruction_reportsLocatedMessage(String dockerfile, String message) {
        assertEquals(message, error(dockerfile));
    }

    @Test
    void parse_copyHeredocSource_becomesContent() throws Exception {
        CopyInstruction c = (CopyInstruction) first("COPY <<EOF /dst\nhello $X\nEOF\n");
        assertEquals(List.of(), c.sources());
        assertEquals(List.of(new SourceContent("EOF", "hello $X\n", true)), c.contents());
        assertEquals("/dst", c.dest());
        AddInstruction a = (AddInstruction) first("ADD a <<-'EOT' /d/\n\tx\n\tEOT\n");
        assertEquals(List.of("a"), a.sources());
        assertEquals(List.of(new SourceContent("EOT", "x\n", false)), a.contents());
    }

    @Test
    void parse_duplicateStageName_warns() throws Exception {
        DockerfileInstructions d = parse("FROM a AS x\nFROM b AS X\n");
        assertEquals(2, d.stages().size());
        assertEquals(1, d.warnings().size());
        assertEquals(2, d.warnings().get(0).line());
        assertTrue(d.warnings().get(0).message().startsWith("Duplicate stage name \"x\""));
    }

    @Test
    void parse_onbuildUnknownTrigger_acceptedAsBuildKitDoes() throws Exception {
        OnbuildInstruction o = (OnbuildInstruction) first("ONBUILD FOO bar\n");
        assertNull(o.triggerKeyword());
        assertEquals("FOO bar", o.expression());
    }

    @Test
    void parse_onbuildHeredoc_appendsBody() throws Exception {
        OnbuildInstruction o = (OnbuildInstruction) first("ONBUILD RUN <<EOF\necho hi\nEOF\n");
        assertEquals("RUN <<EOF\necho hi\nEOF", o.expression());
    }

    @Test
    void parse_healthcheckNone_ignoresFlags() throws Exception {
        HealthcheckInstruction h = (HealthcheckInstruction) first("HEALTHCHECK --bogus=1 NONE\n");
        assertEquals(List.of("NONE"), h.test());
    }

    @Test
    void parse_copyHeredocs_matchedByName() throws Exception {
        CopyInstruction c = (CopyInstruction) first("COPY <<B <<A /d/\nbee\nB\nay\nA\n");
        assertEquals(List.of(new SourceContent("B", "bee\n", true), new SourceContent("A", "ay\n", true)),
                c.contents());
        assertEquals("Dockerfile:2:1: COPY cannot accept a heredoc as a destination",
                error("FROM a\nCOPY x <<EOF\nhi\nEOF\n"));
    }

    @Test
    void parse_volumeWords_trimmed() throws Exception {
        VolumeInstruction v = (VolumeInstruction) first("VOLUME [\" /data \"]\n");
        assertEquals(List.of("/data"), v.volumes());
    }

    @Test
    void parse_addFlags_typesAllFields() throws Exception {
        AddInstruction a = (AddInstruction) first("ADD --checksum=sha256:abc --keep-git-dir --unpack=false "
                + "--chown=app --chmod=u+x,go=r --link --exclude=a https://x/y.tar /y\n");
        assertEquals("sha256:abc", a.checksum());
        assertTrue(a.keepGitDir());
        assertEquals(Boolean.FALSE, a.unpack());
        assertEquals("app", a.chown());
        assertEquals(0744, a.chmodMode().applyTo(0644, false));
        assertTrue(a.link());
        assertEquals(List.of("a"), a.excludes());
        assertNull(((AddInstruction) first("ADD a b\n")).unpack());
    }

    @Test
    void expand_invalidExpandedValue_reportsInstructionLocation() throws Exception {
        Instruction c = parse("FROM a\n\nCOPY --chmod=$M x y\n").stages().get(0).instructions().get(0);
        DockerfileException e = assertThrows(DockerfileException.class, () -> c.expand(w -> w.replace("$M", "999")));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("Dockerfile:3:1: invalid chmod parameter: '999'"), e.getMessage());
        Instruction r = parse("FROM a\nRUN --mount=type=$T x\n").stages().get(0).instructions().get(0);
        DockerfileException m = assertThrows(DockerfileException.class, () -> r.expand(w -> w.replace("$T", "nfs")));
        assertEquals("Dockerfile:2:1: unsupported mount type \"nfs\"", m.getMessage());
    }

    @Test
    void parse_cacheMountWithoutTarget_accepted() throws Exception {
        RunInstruction r = (RunInstruction) first("RUN --mount=type=cache make\n");
        assertNull(r.mounts().get(0).target());
    }

    @Test
    void parse_copyParents_isSet() throws Exception {
        CopyInstruction c = (CopyInstruction) first("COPY --parents a/b ./c /d\n");
        assertTrue(c.parents());
        assertNull(c.chmodMode());
    }

    @Test
    void parse_healthcheck_typesOptions() throws Exception {
        HealthcheckInstruction h = (HealthcheckInstruction) first("HEALTHCHECK --interval=1m30s --timeout=500ms "
                + "--start-period=1.5s --start-interval=2s --retries=3 CMD curl -f http://localhost/\n");
        assertEquals(List.of("CMD-SHELL", "curl -f http://localhost/"), h.test());
        assertEquals(Duration.ofSeconds(90), h.interval());
        assertEquals(Duration.ofMillis(500), h.timeout());
        assertEquals(Duration.ofMillis(1500), h.startPeriod());
        assertEquals(Duration.ofSeconds(2), h.startInterval());
        assertEquals(3, h.retries());
        HealthcheckInstruction exec = (HealthcheckInstruction) first("HEALTHCHECK CMD [\"curl\", \"-f\"]\n");
        assertEquals(List.of("CMD", "curl", "-f"), exec.test());
        HealthcheckInstruction none = (HealthcheckInstruction) first("HEALTHCHECK NONE\n");
        assertEquals(List.of("NONE"), none.test());
        assertEquals(Duration.ZERO, none.interval());
    }

    @Test
    void parse_metadataInstructions_typed() throws Exception {
        DockerfileInstructions d = parse("FROM a\nENV A=1 B=\"two words\"\nENV C 3 4\nLABEL x=y\nMAINTAINER me\n"
                + "EXPOSE 80/tcp 443\nVOLUME /a /b\nVOLUME [\"/c\"]\nUSER app:grp\nWORKDIR /w\nSTOPSIGNAL SIGTERM\n"
                + "ARG P Q=2\nSHELL [\"/bin/bash\", \"-c\"]\nCMD echo hi\nENTRYPOINT [\"/e\"]\nONBUILD COPY . /src\n");
        List<Instruction> in = d.stages().get(0).instructions();
        assertEquals(List.of(new KeyValue("A", "1"), new KeyValue("B", "\"two words\"")), ((EnvInstruction) in.get(0)).env());
        assertEquals(List.of(new KeyValue("C", "3 4")), ((EnvInstruction) in.get(1)).env());
        assertEquals(List.of(new KeyValue("x", "y")), ((LabelInstruction) in.get(2)).labels());
        assertEquals("me", ((MaintainerInstruction) in.get(3)).maintainer());
        assertEquals(List.of("443", "80/tcp"), ((ExposeInstruction) in.get(4)).ports());
        assertEquals(List.of("/a", "/b"), ((VolumeInstruction) in.get(5)).volumes());
        assertEquals(List.of("/c"), ((VolumeInstruction) in.get(6)).volumes());
        assertEquals("app:grp", ((UserInstruction) in.get(7)).user());
        assertEquals("/w", ((WorkdirInstruction) in.get(8)).path());
        assertEquals("SIGTERM", ((StopsignalInstruction) in.get(9)).signal());
        assertEquals(List.of(new ArgInstruction.Definition("P", null), new ArgInstruction.Definition("Q", "2")),
                ((ArgInstruction) in.get(10)).args());
        assertEquals(List.of("/bin/bash", "-c"), ((ShellInstruction) in.get(11)).shell());
        assertTrue(((CmdInstruction) in.get(12)).command().shellForm());
        assertFalse(((EntrypointInstruction) in.get(13)).command().shellForm());
        assertEquals("COPY . /src", ((OnbuildInstruction) in.get(14)).expression());
        assertEquals(Keyword.ONBUILD, in.get(14).keyword());
    }

    @Test
    void expand_expandsExactlyBuildKitsFields() throws Exception {
        ShellLexer lexer = new ShellLexer('\\');
        WordExpander ex = WordExpander.of(lexer, Map.of("V", "1", "D", "/dst"));
        DockerfileInstructions d = parse("FROM a\nENV K$V=\"x $V\"\nWORKDIR /w$V\nUSER u$V\nEXPOSE $V\nVOLUME /v$V\n"
                + "STOPSIGNAL $V\nARG A=$V\nCOPY --chown=$V --chmod=07$V$V --from=s$V src$V $D\nADD --checksum=$V s $D\n"
                + "RUN echo $V\nCMD echo $V\nLABEL l=$V\n");
        List<Instruction> in = d.stages().get(0).instructions();
        assertEquals(List.of(new KeyValue("K1", "x 1")), ((EnvInstruction) in.get(0).expand(ex)).env());
        assertEquals("/w1", ((WorkdirInstruction) in.get(1).expand(ex)).path());
        assertEquals("u1", ((UserInstruction) in.get(2).expand(ex)).user());
        assertEquals(List.of("1"), ((ExposeInstruction) in.get(3).expand(ex)).ports());
        assertEquals(List.of("/v1"), ((VolumeInstruction) in.get(4).expand(ex)).volumes());
        assertEquals("1", ((StopsignalInstruction) in.get(5).expand(ex)).signal());
        assertEquals("1", ((ArgInstruction) in.get(6).expand(ex)).args().get(0).defaultValue());
        CopyInstruction c = (CopyInstruction) in.get(7).expand(ex);
        assertEquals("1", c.chown());
        assertEquals(0711, c.chmodMode().octal());
        assertEquals("s$V", c.from());
        assertEquals(List.of("src1"), c.sources());
        assertEquals("/dst", c.dest());
        assertEquals("1", ((AddInstruction) in.get(8).expand(ex)).checksum());
        assertEquals(List.of("echo $V"), ((RunInstruction) in.get(9).expand(ex)).command().args());
        assertEquals(in.get(10), in.get(10).expand(ex));
        assertEquals(List.of(new KeyValue("l", "1")), ((LabelInstruction) in.get(11).expand(ex)).labels());
        FromInstruction f = d.stages().get(0).from().expand(ex);
        assertEquals("a", f.image());
    }

    @Test
    void accept_visitor_dispatchesByType() throws Exception {
        Instruction i = first("WORKDIR /x\n");
        String kind = i.accept(new NamingVisitor());
        assertEquals("workdir", kind);
    }

    @Test
    void chmod_symbolic_appliesLikeChmod() throws Exception {
        assertEquals(0755, Chmod.parse("u=rwx,go=rx").applyTo(0, false));
        assertEquals(0755, Chmod.parse("a+X").applyTo(0644, true));
        assertEquals(0644, Chmod.parse("a+X").applyTo(0644, false));
        assertEquals(0600, Chmod.parse("go-rwx").applyTo(0644, false));
        assertEquals(04755, Chmod.parse("u+s").applyTo(0755, false));
        assertEquals(0664, Chmod.parse("g=u").applyTo(0644, false));
        assertEquals(0, Chmod.parse("0").octal());
        assertThrows(DockerfileException.class, () -> Chmod.parse(""));
        assertThrows(DockerfileException.class, () -> Chmod.parse("u"));
        assertThrows(DockerfileException.class, () -> Chmod.parse("17777"));
    }

    @Test
    void mountCsv_quotedAndBareQuotes_likeGoCsv() throws Exception {
        assertEquals(List.of("type=bind", "target=/a,b", "x\"y"), Mount.csvFields("type=bind,\"target=/a,b\",\"x\"\"y\""));
        DockerfileException e = assertThrows(DockerfileException.class, () -> Mount.parse("target=/x\"y", null));
        assertEquals("failed to parse csv mounts: bare \" in non-quoted-field", e.getMessage());
    }

    @Test
    void durations_goSyntax_parses() throws Exception {
        assertEquals(Duration.ofMinutes(165), Durations.parse("2h45m"));
        assertEquals(Duration.ofNanos(1500), Durations.parse("1.5us"));
        assertEquals(Duration.ofMillis(-300), Durations.parse("-300ms"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofMillis(500), Durations.parse(".5s"));
        assertThrows(DockerfileException.class, () -> Durations.parse(""));
        assertThrows(DockerfileException.class, () -> Durations.parse("1..5s"));
    }

    @Test
    void keyword_find_isCaseInsensitive() {
        assertEquals(Keyword.HEALTHCHECK, Keyword.find("healthCheck").orElseThrow());
        assertTrue(Keyword.find("nope").isEmpty());
        assertEquals(18, Keyword.values().length);
    }

    private static final class NamingVisitor implements Instruction.Visitor<String> {
        public String visit(FromInstruction i) { return "from"; }
        public String visit(RunInstruction i) { return "run"; }
        public String visit(CmdInstruction i) { return "cmd"; }
        public String visit(LabelInstruction i) { return "label"; }
        public String visit(MaintainerInstruction i) { return "maintainer"; }
        public String visit(ExposeInstruction i) { return "expose"; }
        public String visit(EnvInstruction i) { return "env"; }
        public String visit(AddInstruction i) { return "add"; }
        public String visit(CopyInstruction i) { return "copy"; }
        public String visit(EntrypointInstruction i) { return "entrypoint"; }
        public String visit(VolumeInstruction i) { return "volume"; }
        public String visit(UserInstruction i) { return "user"; }
        public String visit(WorkdirInstruction i) { return "workdir"; }
        public String visit(ArgInstruction i) { return "arg"; }
        public String visit(OnbuildInstruction i) { return "onbuild"; }
        public String visit(StopsignalInstruction i) { return "stopsignal"; }
        public String visit(HealthcheckInstruction i) { return "healthcheck"; }
        public String visit(ShellInstruction i) { return "shell"; }
    }
}
