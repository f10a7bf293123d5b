package io.jbuild.builder;

import io.jbuild.dockerfile.CopyInstruction;
import io.jbuild.dockerfile.Instruction;
import io.jbuild.dockerfile.Location;
import io.jbuild.dockerfile.RunInstruction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BuildKit's {@code initOnBuildTriggers} (convert.go) and Docker's forbidden triggers. */
class OnBuildTriggersTest {
    private static final Location FROM = new Location("Dockerfile", 4, 4, 1);

    @Test
    void parse_triggers_instructionsInOrderAtFromLocation() throws Exception {
        List<Instruction> out = OnBuildTriggers.parse(List.of("RUN echo hi", "COPY --chown=1 a /b"), FROM, '\\');
        assertEquals(2, out.size());
        RunInstruction run = assertInstanceOf(RunInstruction.class, out.get(0));
        assertEquals(List.of("echo hi"), run.command().args());
        assertEquals(FROM.startLine(), run.location().startLine());
        assertEquals("Dockerfile", run.location().file());
        CopyInstruction copy = assertInstanceOf(CopyInstruction.class, out.get(1));
        assertEquals("1", copy.chown());
        assertEquals(4, copy.location().startLine());
    }

    @Test
    void parse_heredocTrigger_keepsBody() throws Exception {
        List<Instruction> out = OnBuildTriggers.parse(List.of("RUN <<EOF\necho a\nEOF"), FROM, '\\');
        RunInstruction run = assertInstanceOf(RunInstruction.class, out.get(0));
        assertEquals("echo a\n", run.heredocs().get(0).content());
        assertEquals("RUN /bin/sh -c echo a\n # buildkit",
                ConfigInstructions.createdBy(run, java.util.Map.of(), List.of()));
    }

    @Test
    void parse_noTriggers_empty() throws Exception {
        assertEquals(List.of(), OnBuildTriggers.parse(List.of(), FROM, '\\'));
    }

    @Test
    void parse_onbuildOnbuild_rejected() {
        BuildException e = assertThrows(BuildException.class,
                () -> OnBuildTriggers.parse(List.of("ONBUILD RUN x"), FROM, '\\'));
        assertEquals("Dockerfile:4: parse ONBUILD trigger \"ONBUILD RUN x\" of the base image: "
                + "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", e.getMessage());
        assertEquals(FROM, e.location());
    }

    @Test
    void parse_fromOrMaintainer_rejected() {
        assertTrue(assertThrows(BuildException.class,
                () -> OnBuildTriggers.parse(List.of("from alpine"), FROM, '\\')).getMessage()
                .endsWith("FROM isn't allowed as an ONBUILD trigger"));
        assertTrue(assertThrows(BuildException.class,
                () -> OnBuildTriggers.parse(List.of("MAINTAINER me"), FROM, '\\')).getMessage()
                .endsWith("MAINTAINER isn't allowed as an ONBUILD trigger"));
    }

    @Test
    void parse_twoInstructionsInOneTrigger_rejected() {
        BuildException e = assertThrows(BuildException.class,
                () -> OnBuildTriggers.parse(List.of("RUN a\nRUN b"), FROM, '\\'));
        assertTrue(e.getMessage().endsWith("onbuild trigger should be a single expression"), e.getMessage());
        assertThrows(BuildException.class, () -> OnBuildTriggers.parse(List.of(""), FROM, '\\'));
    }

    @Test
    void parse_invalidInstruction_namesTriggerAndFrom() {
        BuildException e = assertThrows(BuildException.class,
                () -> OnBuildTriggers.parse(List.of("RUNN make"), FROM, '\\'));
        assertTrue(e.getMessage().startsWith("Dockerfile:4: parse ONBUILD trigger \"RUNN make\" of the base image: "),
                e.getMessage());
        BuildException bad = assertThrows(BuildException.class,
                () -> OnBuildTriggers.parse(List.of("COPY onlyone"), FROM, '\\'));
        assertTrue(bad.getMessage().contains("COPY requires at least two arguments"), bad.getMessage());
    }
}
