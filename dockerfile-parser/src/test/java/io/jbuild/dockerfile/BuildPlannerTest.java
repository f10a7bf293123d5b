package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BuildPlannerTest {
    private static final PlatformSpec AMD64 = new PlatformSpec("linux", "amd64", "");
    private static final PlatformSpec ARM64 = new PlatformSpec("linux", "arm64", "v8");
    private static final BuildOptions OPTIONS = new BuildOptions(Map.of(), null, ARM64, AMD64);

    static BuildPlan plan(String text, BuildOptions options) throws DockerfileException {
        ParseResult r = DockerfileParser.parse("Dockerfile", text.getBytes(StandardCharsets.UTF_8));
        return BuildPlanner.plan(InstructionParser.parse(r), options);
    }

    static List<Integer> order(BuildPlan plan) {
        return plan.stages().stream().map(PlannedStage::index).collect(Collectors.toList());
    }

    static String error(String text, BuildOptions options) {
        return assertThrows(DockerfileException.class, () -> plan(text, options)).getMessage();
    }

    @Test
    void plan_singleStage_usesItAsTarget() throws Exception {
        BuildPlan p = plan("FROM alpine:3.19\nRUN true\n", OPTIONS);
        assertEquals(List.of(0), order(p));
        assertEquals(0, p.target());
        assertEquals("alpine:3.19", p.stages().get(0).baseImage());
        assertEquals(-1, p.stages().get(0).baseStage());
        assertTrue(p.warnings().isEmpty());
    }

    @Test
    void plan_globalArgInFrom_expandsWithDefaultAndBuildArg() throws Exception {
        String df = "ARG TAG=3.19\nARG REPO\nFROM ${REPO:-docker.io/library}/alpine:$TAG\n";
        assertEquals("docker.io/library/alpine:3.19", plan(df, OPTIONS).stages().get(0).baseImage());
        BuildPlan p = plan(df, OPTIONS.withBuildArgs(Map.of("TAG", "edge", "REPO", "r")));
        assertEquals("r/alpine:edge", p.stages().get(0).baseImage());
        assertEquals(Map.of("TAG", "edge", "REPO", "r"), p.globalArgs());
    }

    @Test
    void plan_globalArgDefaultUsesEarlierGlobals() throws Exception {
        BuildPlan p = plan("ARG A=x\nARG B=${A}y\nFROM img:$B\n", OPTIONS);
        assertEquals("img:xy", p.stages().get(0).baseImage());
    }

    @Test
    void plan_platformArgs_availableInFromWithoutDeclaration() throws Exception {
        BuildPlan p = plan("FROM --platform=$BUILDPLATFORM golang AS b\nFROM img-$TARGETARCH$TARGETVARIANT\nCOPY --from=b / /\n", OPTIONS);
        assertEquals(AMD64, p.stages().get(0).platform());
        assertEquals("img-arm64v8", p.stages().get(1).baseImage());
        assertEquals("linux/arm64/v8", p.automaticArgs().get("TARGETPLATFORM"));
        assertEquals("arm64", p.automaticArgs().get("TARGETARCH"));
        assertEquals("linux", p.automaticArgs().get("BUILDOS"));
        assertEquals("amd64", p.automaticArgs().get("BUILDARCH"));
        assertEquals("", p.automaticArgs().get("BUILDVARIANT"));
        assertEquals("1", p.automaticArgs().get("TARGETSTAGE"));
    }

    @Test
    void plan_stageArgValue_followsDockerScoping() throws Exception {
        BuildPlan p = plan("ARG G=global\nARG H=h\nFROM a\nARG G\nARG H=local\nARG TARGETOS\n",
                OPTIONS.withBuildArgs(Map.of("B", "build")));
        assertEquals(Optional.of("global"), p.stageArgValue("G", false));
        assertEquals(Optional.empty(), p.stageArgValue("H", true));
        assertEquals(Optional.of("linux"), p.stageArgValue("TARGETOS", false));
        assertEquals(Optional.of("build"), p.stageArgValue("B", true));
        assertEquals(Optional.empty(), p.stageArgValue("NOPE", false));
    }

    @Test
    void plan_stageBase_resolvedAsDependency() throws Exception {
        BuildPlan p = plan("FROM alpine AS base\nFROM base AS app\nRUN x\n", OPTIONS);
        assertEquals(List.of(0, 1), order(p));
        PlannedStage app = p.stages().get(1);
        assertNull(app.baseImage());
        assertEquals(0, app.baseStage());
        assertEquals(List.of(0), app.dependencies());
    }

    @Test
    void plan_stageBaseIsCaseInsensitive() throws Exception {
        BuildPlan p = plan("FROM alpine AS Base\nFROM BASE\n", OPTIONS);
        assertEquals(0, p.stages().get(1).baseStage());
    }

    @Test
    void plan_target_selectsOnlyNeededStages() throws Exception {
        String df = "FROM a AS one\nFROM b AS two\nFROM c AS three\nCOPY --from=one /x /y\n"
                + "RUN --mount=type=bind,from=1,target=/m true\nFROM d AS four\n";
        BuildPlan p = plan(df, OPTIONS.withTarget("Three"));
        assertEquals(List.of(0, 1, 2), order(p));
        assertEquals(2, p.target());
        assertEquals(List.of(0, 1), p.stages().get(2).dependencies());
        assertEquals(List.of(3), order(plan(df, OPTIONS)));
    }

    @Test
    void plan_independentStages_haveNoDependencies() throws Exception {
        BuildPlan p = plan("FROM a AS x\nFROM b AS y\nFROM c\nCOPY --from=x / /x\nCOPY --from=y / /y\n", OPTIONS);
        assertEquals(List.of(0, 1, 2), order(p));
        assertEquals(List.of(), p.stages().get(0).dependencies());
        assertEquals(List.of(), p.stages().get(1).dependencies());
        assertEquals(List.of(0, 1), p.stages().get(2).dependencies());
    }

    @Test
    void plan_duplicateStageNames_resolveToLast() throws Exception {
        BuildPlan p = plan("FROM a AS x\nFROM b AS x\nFROM c\nCOPY --from=x / /\n", OPTIONS);
        assertEquals(List.of(1, 2), order(p));
        assertEquals(1, plan("FROM a AS x\nFROM b AS x\nFROM c\n", OPTIONS.withTarget("x")).target());
    }

    @Test
    void plan_copyFromImage_isImageReference() throws Exception {
        BuildPlan p = plan("FROM a\nCOPY --from=nginx:latest /etc/nginx /n\n", OPTIONS);
        assertEquals(List.of("nginx:latest"), p.stages().get(0).imageReferences());
        assertEquals(List.of(), p.stages().get(0).dependencies());
    }

    @Test
    void plan_copyFromVariable_failsWithBuildKitsMessage() {
        DockerfileException e = assertThrows(DockerfileException.class,
                () -> plan("ARG SRC=b\nFROM a AS b\nFROM c\nCOPY --from=$SRC /x /y\n", OPTIONS));
        assertTrue(e.getMessage().startsWith("Dockerfile:4:1: variable expansion is not supported for --from"),
                e.getMessage());
    }

    @Test
    void plan_copyFromContext_isNeitherStageNorImage() throws Exception {
        BuildPlan p = plan("FROM a\nCOPY --from=context /x /y\n", OPTIONS);
        assertEquals(List.of(), p.stages().get(0).imageReferences());
    }

    @Test
    void plan_forwardReferenceInUnneededStage_ignored() throws Exception {
        BuildPlan p = plan("FROM a AS x\nCOPY --from=y / /\nFROM b AS y\n", OPTIONS);
        assertEquals(List.of(1), order(p));
    }

    @Test
    void plan_negativeIndex_rejected() {
        assertEquals("Dockerfile:2:1: invalid stage index -1: the Dockerfile has 1 stage",
                error("FROM a\nCOPY --from=-1 / /\n", OPTIONS));
    }

    @Test
    void plan_fromLaterStageName_isImage() throws Exception {
        BuildPlan p = plan("FROM later\nFROM b AS later\n", OPTIONS.withTarget(null));
        assertEquals(List.of(1), order(p));
        BuildPlan first = plan("FROM later AS first\nFROM b AS later\n", OPTIONS.withTarget("first"));
        assertEquals("later", first.stages().get(0).baseImage());
    }

    @Test
    void plan_copyFromLaterStage_rejected() {
        assertEquals("Dockerfile:2:1: cannot copy from stage \"b\", it needs to be defined before current stage \"x\"",
                error("FROM a AS x\nCOPY --from=b / /\nFROM c AS b\n", OPTIONS.withTarget("x")));
        assertEquals("Dockerfile:2:1: cannot copy from stage \"0\", it needs to be defined before current stage \"stage-0\"",
                error("FROM a\nCOPY --from=0 / /\n", OPTIONS));
    }

    @Test
    void plan_mountFromLaterStage_rejected() {
        assertEquals("Dockerfile:3:1: cannot mount from stage \"b\", it needs to be defined before current stage \"x\"",
                error("FROM a AS x\n\nRUN --mount=from=b,target=/b true\nFROM c AS b\n", OPTIONS.withTarget("x")));
    }

    @Test
    void plan_copyFromIndexOutOfBounds_rejected() {
        assertEquals("Dockerfile:2:1: invalid stage index 5: the Dockerfile has 1 stage",
                error("FROM a\nCOPY --from=5 / /\n", OPTIONS));
    }

    @Test
    void plan_unknownTarget_listsStages() {
        DockerfileException e = assertThrows(DockerfileException.class,
                () -> plan("FROM a AS build\nFROM b AS test\nFROM c\n", OPTIONS.withTarget("tset")));
        assertEquals("Dockerfile: find target stage \"tset\": no stage has that name (did you mean test?); "
                + "named stages: build, test", e.getMessage());
        assertEquals("Dockerfile: find target stage \"x\": no stage has that name; the Dockerfile has no named stages",
                error("FROM a\n", OPTIONS.withTarget("x")));
    }

    @Test
    void plan_blankBase_rejectedAtFrom() {
        assertEquals("Dockerfile:2:1: base name (${NOPE}) should not be blank", error("ARG X\nFROM ${NOPE}\n", OPTIONS));
    }

    @Test
    void plan_requiredGlobalArgMissing_reportsAtFrom() {
        assertEquals("Dockerfile:1:1: failed to process \"${IMG:?missing}\": IMG: missing",
                error("FROM ${IMG:?missing}\n", OPTIONS));
    }

    @Test
    void plan_badPlatform_reportsAtFrom() {
        assertEquals("Dockerfile:1:1: parse platform \"linux\": expected os/arch[/variant]",
                error("FROM --platform=linux a\n", OPTIONS));
    }

    @Test
    void plan_declaredGlobalWithoutValue_isSetButEmpty() throws Exception {
        BuildPlan p = plan("ARG X\nFROM img${X-unset}${Y-unset}\n", OPTIONS);
        assertEquals("imgunset", p.stages().get(0).baseImage());
        assertEquals(Map.of(), p.globalArgs());
    }

    @Test
    void plan_stageArgNotVisibleInFrom() throws Exception {
        BuildPlan p = plan("FROM a\nARG V=1\nFROM img:${V:-none}\n", OPTIONS);
        assertEquals("img:none", p.stages().get(0).baseImage());
    }

    @Test
    void plan_unusedBuildArgs_reportedAsWarning() throws Exception {
        BuildPlan p = plan("ARG USED\nFROM a AS x\nARG IN_X\nFROM b\nARG IN_LAST\n",
                OPTIONS.withBuildArgs(Map.of("USED", "1", "IN_X", "2", "IN_LAST", "3", "ZZ", "4", "HTTP_PROXY", "p")));
        assertEquals(1, p.warnings().size());
        assertEquals("one or more build-args [IN_X, ZZ] were not consumed", p.warnings().get(0).message());
        assertEquals(Map.of("HTTP_PROXY", "p"), p.proxyArgs());
    }

    @Test
    void plan_noStages_rejected() throws Exception {
        ParseResult r = DockerfileParser.parse("Dockerfile", "ARG A=1\n".getBytes(StandardCharsets.UTF_8));
        DockerfileException e = assertThrows(DockerfileException.class,
                () -> BuildPlanner.plan(InstructionParser.parse(r), OPTIONS));
        assertEquals("Dockerfile: plan build: the Dockerfile contains no stages to build", e.getMessage());
    }

    @Test
    void parseBuildArgs_nameAlone_takesEnvironmentValue() {
        Map<String, String> args = BuildOptions.parseBuildArgs(List.of("A=1", "B", "C", "D="), Map.of("B", "env"));
        assertEquals(Map.of("A", "1", "B", "env", "D", ""), args);
    }

    @Test
    void platformSpec_parse_roundTrips() throws Exception {
        assertEquals(ARM64, PlatformSpec.parse("linux/arm64/v8"));
        assertEquals("linux/amd64", PlatformSpec.parse("Linux/AMD64").toString());
        assertThrows(DockerfileException.class, () -> PlatformSpec.parse("linux/"));
    }
}
