package io.jbuild.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyValuesTest {
    @Test
    void parse_keyValuePairs_keepsOrderAndRestAfterFirstEquals() {
        Map<String, String> values = KeyValues.parse(List.of("BASE=127.0.0.1:5000/busybox:latest", "OPTS=a=b"),
                Map.of(), "build argument");
        assertEquals(List.of("BASE", "OPTS"), List.copyOf(values.keySet()));
        assertEquals("127.0.0.1:5000/busybox:latest", values.get("BASE"));
        assertEquals("a=b", values.get("OPTS"));
    }

    @Test
    void parse_bareKey_takesEnvironmentValue() {
        assertEquals(Map.of("HTTP_PROXY", "http://proxy:3128"),
                KeyValues.parse(List.of("HTTP_PROXY"), Map.of("HTTP_PROXY", "http://proxy:3128"), "build argument"));
    }

    @Test
    void parse_bareKeyUnset_isLeftOut() {
        assertTrue(KeyValues.parse(List.of("MISSING"), Map.of(), "build argument").isEmpty());
    }

    @Test
    void parse_repeatedKey_laterWins() {
        assertEquals(Map.of("A", "2"), KeyValues.parse(List.of("A=1", "A=2"), Map.of(), "label"));
    }

    @Test
    void parse_emptyValue_isKept() {
        assertEquals(Map.of("A", ""), KeyValues.parse(List.of("A="), Map.of(), "label"));
    }

    @Test
    void parse_blankAndNullEntries_areIgnored() {
        assertTrue(KeyValues.parse(Arrays.asList("", " ", null), Map.of(), "label").isEmpty());
        assertTrue(KeyValues.parse(null, Map.of(), "label").isEmpty());
    }

    @Test
    void parse_emptyKey_failsNamingTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyValues.parse(List.of("=x"), Map.of(), "build argument"));
        assertEquals("invalid build argument \"=x\": the key before = is empty", e.getMessage());
    }
}
