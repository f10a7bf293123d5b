package io.jbuild.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.builder.BuildProgress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MavenBuildProgressTest {
    @Test
    void step_outputLines_areLoggedAtInfoWithStepNumber() throws IOException {
        RecordingLog log = new RecordingLog();
        try (MavenBuildProgress progress = new MavenBuildProgress(log)) {
            try (BuildProgress.Step step = progress.start(2, "[2/3] RUN echo hi")) {
                OutputStream out = step.log();
                out.write("hello\r\nwor".getBytes(StandardCharsets.UTF_8));
                out.write("ld\n\nlast".getBytes(StandardCharsets.UTF_8));
            }
        }
        List<String> lines = log.lines();
        assertEquals("INFO #2 [2/3] RUN echo hi", lines.get(0));
        assertEquals("INFO #2 hello", lines.get(1));
        assertEquals("INFO #2 world", lines.get(2));
        assertEquals("INFO #2 ", lines.get(3));
        assertEquals("INFO #2 last", lines.get(4));
        assertTrue(lines.get(5).matches("INFO #2 DONE \\d+\\.\\ds"), lines.get(5));
        assertTrue(lines.get(6).startsWith("INFO 1 step(s), 0 cached, 0 failed in "), lines.get(6));
        assertEquals(7, lines.size());
    }

    @Test
    void step_cached_logsCachedInsteadOfDone() {
        RecordingLog log = new RecordingLog();
        MavenBuildProgress progress = new MavenBuildProgress(log);
        try (BuildProgress.Step step = progress.start(1, "[1/2] FROM busybox")) {
            step.cached();
        }
        assertEquals(List.of("INFO #1 [1/2] FROM busybox", "INFO #1 CACHED"), log.lines());
    }

    @Test
    void step_failed_logsErrorOnce() {
        RecordingLog log = new RecordingLog();
        MavenBuildProgress progress = new MavenBuildProgress(log);
        try (BuildProgress.Step step = progress.start(3, "[3/3] RUN false")) {
            step.fail("process \"/bin/sh -c false\" did not complete successfully: exit code: 1");
        }
        progress.close();
        List<String> lines = log.lines();
        assertEquals("ERROR #3 ERROR: process \"/bin/sh -c false\" did not complete successfully: exit code: 1",
                lines.get(1));
        assertEquals(3, lines.size());
        assertTrue(lines.get(2).contains("1 failed"), lines.get(2));
    }

    @Test
    void warn_isLoggedAsWarning() {
        RecordingLog log = new RecordingLog();
        new MavenBuildProgress(log).warn("Dockerfile:3: JSONArgsRecommended");
        assertEquals(List.of("WARN Dockerfile:3: JSONArgsRecommended"), log.lines());
    }
}
