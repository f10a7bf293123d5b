package io.jbuild.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.dockerfile.CommandLine;
import io.jbuild.dockerfile.Location;
import io.jbuild.dockerfile.RunInstruction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
    private static RunInstruction run(int line, String original, String command) {
        return new RunInstruction(new Location("Dockerfile", line, line, 1), original,
                new CommandLine(List.of(command), true), List.of(), List.of(), null, null, List.of());
    }

    private static CacheKey key(String parent, RunInstruction run, Map<String, String> env, Map<String, String> args,
                                Map<String, String> files) {
        return CacheKey.builder(parent).instruction(run).variables(env, args).files(null, files).put("user", "")
                .build();
    }

    @Test
    void of_sameComponentsInAnyOrder_sameDigest() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("x", "1");
        a.put("y", "2");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("y", "2");
        b.put("x", "1");
        assertEquals(CacheKey.of(a).digest(), CacheKey.of(b).digest());
    }

    @Test
    void of_componentBoundariesShifted_differentDigest() {
        assertNotEquals(CacheKey.of(Map.of("ab", "c")).digest(), CacheKey.of(Map.of("a", "bc")).digest());
    }

    @Test
    void canonical_movedAndReformattedLine_sameKey() {
        CacheKey one = key("p", run(3, "RUN make", "make"), Map.of(), Map.of(), Map.of());
        CacheKey two = key("p", run(9, "run   make", "make"), Map.of(), Map.of(), Map.of());
        assertEquals(one.digest(), two.digest());
        assertTrue(CacheKey.canonical(run(3, "RUN make", "make")).startsWith("RUN "));
    }

    @Test
    void explainMiss_argChanged_namesOldAndNewValue() {
        CacheKey before = key("p", run(1, "RUN make", "make"), Map.of("VERSION", "1"), Map.of("VERSION", "1"), Map.of());
        CacheKey after = key("p", run(1, "RUN make", "make"), Map.of("VERSION", "2"), Map.of("VERSION", "2"), Map.of());
        assertEquals(List.of("ARG VERSION changed from 1 to 2"), after.explainMiss(before));
    }

    @Test
    void explainMiss_envAdded_saysSet() {
        CacheKey before = key("p", run(1, "RUN make", "make"), Map.of(), Map.of(), Map.of());
        CacheKey after = key("p", run(1, "RUN make", "make"), Map.of("CC", "gcc"), Map.of(), Map.of());
        assertEquals(List.of("ENV CC set to gcc"), after.explainMiss(before));
    }

    @Test
    void explainMiss_fileChangedAddedRemoved_listsEach() {
        CacheKey before = key("p", run(1, "RUN make", "make"), Map.of(), Map.of(),
                Map.of("app/main.c", "f 644 0:0 1 aa", "old.c", "f 644 0:0 1 bb"));
        CacheKey after = key("p", run(1, "RUN make", "make"), Map.of(), Map.of(),
                Map.of("app/main.c", "f 644 0:0 1 cc", "new.c", "f 644 0:0 1 dd"));
        assertEquals(List.of("file app/main.c changed", "file new.c added", "file old.c removed"),
                after.explainMiss(before));
    }

    @Test
    void explainMiss_manyFiles_listsFiveAndCountsTheRest() {
        Map<String, String> a = new LinkedHashMap<>();
        Map<String, String> b = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            a.put("f" + i, "x");
            b.put("f" + i, "y");
        }
        CacheKey before = CacheKey.builder("p").files(null, a).build();
        CacheKey after = CacheKey.builder("p").files(null, b).build();
        List<String> reasons = after.explainMiss(before);
        assertEquals(6, reasons.size());
        assertEquals("and 3 more files changed", reasons.get(5));
    }

    @Test
    void explainMiss_parentKeyChanged_saysStepAboveMissed() {
        CacheKey p1 = CacheKey.builder("image sha256:1").build();
        CacheKey p2 = CacheKey.builder("image sha256:2").build();
        CacheKey before = CacheKey.builder(p1).put("x", "1").build();
        CacheKey after = CacheKey.builder(p2).put("x", "1").build();
        assertEquals(List.of("the step above missed"), after.explainMiss(before));
        assertEquals(List.of("the base changed"), p2.explainMiss(p1));
    }

    @Test
    void explainMiss_instructionChanged_saysSo() {
        CacheKey before = key("p", run(1, "RUN make", "make"), Map.of(), Map.of(), Map.of());
        CacheKey after = key("p", run(1, "RUN make all", "make all"), Map.of(), Map.of(), Map.of());
        assertEquals(List.of("instruction changed"), after.explainMiss(before));
    }

    @Test
    void explainMiss_sameKeyOrNoPrevious_emptyOrFirstBuild() {
        CacheKey k = key("p", run(1, "RUN make", "make"), Map.of(), Map.of(), Map.of());
        assertEquals(List.of(), k.explainMiss(k));
        assertEquals(List.of("no earlier build of this step"), k.explainMiss(null));
    }

    @Test
    void explainMiss_fileFromStage_namesTheStage() {
        CacheKey before = CacheKey.builder("p").files("build", Map.of("out/app", "1")).build();
        CacheKey after = CacheKey.builder("p").files("build", Map.of("out/app", "2")).build();
        assertEquals(List.of("file out/app (from build) changed"), after.explainMiss(before));
    }

    @Test
    void variables_undeclaredArg_isUnsetAndCounted() {
        CacheKey unset = CacheKey.builder("p").variables(Map.of(), Map.of()).build();
        Map<String, String> args = new LinkedHashMap<>();
        args.put("V", null);
        CacheKey declared = CacheKey.builder("p").variables(Map.of(), args).build();
        assertEquals(List.of("ARG V set to <unset>"), declared.explainMiss(unset));
    }
}
