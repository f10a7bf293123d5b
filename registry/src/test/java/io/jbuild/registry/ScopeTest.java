package io.jbuild.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScopeTest {
    @Test
    void union_pushAndMountSource_oneStringPerRepository() {
        Scope s = Scope.push("a/target").union(Scope.pull("a/source")).union(Scope.pull("a/target"));
        assertEquals(List.of("repository:a/source:pull", "repository:a/target:pull,push"), s.toStrings());
    }

    @Test
    void covers_subsetOfActions_true() {
        Scope held = Scope.push("x");
        assertTrue(held.covers(Scope.pull("x")));
        assertFalse(held.covers(Scope.pull("y")));
        assertFalse(Scope.pull("x").covers(held));
        assertTrue(held.covers(Scope.none()));
    }

    @Test
    void parse_spaceSeparatedAndPortInName_splitsAtLastColon() {
        Scope s = Scope.parse(List.of("repository:a:pull registry:catalog:*", "repository:host:5000/b:push"));
        assertEquals(List.of("registry:catalog:*", "repository:a:pull", "repository:host:5000/b:push"), s.toStrings());
    }
}
