package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitsTest {
    @ParameterizedTest
    @CsvSource({"0, 0B", "999, 999B", "1000, 1kB", "1234, 1.23kB", "12345, 12.3kB", "4261234, 4.26MB",
            "999999, 1MB", "1500000000, 1.5GB", "1032031, 1.03MB"})
    void size_bytes_decimalThreeDigits(long bytes, String expected) {
        assertEquals(expected, Units.size(bytes));
    }

    @ParameterizedTest
    @CsvSource({"0, Less than a second", "1, 1 second", "59, 59 seconds", "60, About a minute", "119, About a minute",
            "120, 2 minutes", "3599, 59 minutes", "3600, About an hour", "5399, About an hour", "5400, 2 hours",
            "172800, 2 days", "1209600, 2 weeks", "5184000, 2 months", "63072000, 2 years"})
    void duration_seconds_dockerWords(long seconds, String expected) {
        assertEquals(expected, Units.duration(Duration.ofSeconds(seconds)));
    }

    @Test
    void since_missingOrInvalid_notAvailable() {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        assertEquals("N/A", Units.since(null, now));
        assertEquals("N/A", Units.since("yesterday", now));
        assertEquals("3 hours ago", Units.since("2026-11-23T07:00:00Z", now));
        assertEquals("3 hours ago", Units.since("2026-11-23T08:00:00+01:00", now));
    }

    @Test
    void pretty_nestedAndEmpty_dockerLayout() throws Exception {
        JsonNode node = DockerJson.MAPPER.readTree("[{\"a\":[],\"b\":{},\"c\":[1],\"d\":{\"e\":\"f\"}}]");
        assertEquals("[\n    {\n        \"a\": [],\n        \"b\": {},\n        \"c\": [\n            1\n        ],\n"
                + "        \"d\": {\n            \"e\": \"f\"\n        }\n    }\n]", DockerJson.pretty(node));
    }

    @Test
    void printTable_columns_paddedLikeTabwriter() {
        java.io.StringWriter s = new java.io.StringWriter();
        java.io.PrintWriter out = new java.io.PrintWriter(s);
        ImagesCommand.printTable(out, java.util.List.of(java.util.List.of("REPOSITORY", "TAG", "SIZE"),
                java.util.List.of("a", "latest", "1kB")));
        out.flush();
        assertEquals("REPOSITORY   TAG       SIZE\na            latest    1kB\n", s.toString());
    }
}
