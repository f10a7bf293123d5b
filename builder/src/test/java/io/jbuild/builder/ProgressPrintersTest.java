package io.jbuild.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain output follows BuildKit's util/progress/progressui/printer.go (textMux) and display.go. */
class ProgressPrintersTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong nanos = new AtomicLong();

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void at(double seconds) {
        nanos.set(Math.round(seconds * 1e9));
    }

    private static void write(BuildProgress.Step step, String text) throws Exception {
        step.log().write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plain_scriptedBuild_matchesBuildKitFormat() throws Exception {
        PlainProgress progress = new PlainProgress(out, nanos::get, false);
        at(0);
        BuildProgress.Step load = progress.start(1, "[internal] load build definition from Dockerfile");
        at(0.1);
        load.close();
        BuildProgress.Step from = progress.start(2, "[1/3] FROM docker.io/library/busybox");
        from.cached();
        from.close();
        at(0.2);
        BuildProgress.Step run = progress.start(3, "[2/3] RUN make");
        at(0.545);
        write(run, "building\npart");
        at(0.8);
        write(run, "ial\n");
        at(10.7);
        write(run, "slow\n");
        at(12.4);
        run.close();
        progress.close();
        assertEquals("""
                #1 [internal] load build definition from Dockerfile
                #1 DONE 0.1s

                #2 [1/3] FROM docker.io/library/busybox
                #2 CACHED

                #3 [2/3] RUN make
                #3 0.345 building
                #3 0.345 partial
                #3 10.50 slow
                #3 DONE 12.2s
                """, output());
    }

    @Test
    void plain_partialLineAtEnd_flushedBeforeDone() throws Exception {
        PlainProgress progress = new PlainProgress(out, nanos::get, false);
        BuildProgress.Step run = progress.start(4, "[1/1] RUN printf x");
        at(0.25);
        write(run, "no newline");
        assertEquals("#4 [1/1] RUN printf x\n", output());
        at(0.5);
        run.close();
        assertEquals("""
                #4 [1/1] RUN printf x
                #4 0.250 no newline
                #4 DONE 0.5s
                """, output());
    }

    @Test
    void plain_nonUtf8Output_bytesKept() throws Exception {
        PlainProgress progress = new PlainProgress(out, nanos::get, false);
        BuildProgress.Step run = progress.start(1, "[1/1] RUN latin1");
        run.log().write(new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        expected.writeBytes("#1 [1/1] RUN latin1\n#1 0.000 caf".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {(byte) 0xE9, '\n'});
        assertArrayEquals(expected.toByteArray(), bytes.toByteArray());
    }

    @Test
    void plain_parallelSteps_interleaveByLinesWithReheaders() throws Exception {
        PlainProgress progress = new PlainProgress(out, nanos::get, false);
        at(0);
        BuildProgress.Step a = progress.start(5, "[a 1/2] RUN x");
        at(0.1);
        BuildProgress.Step b = progress.start(6, "[b 1/2] RUN y");
        at(0.2);
        write(a, "a\n");
        at(0.3);
        write(b, "b\nc");
        at(0.4);
        write(a, "d\n");
        at(0.5);
        b.close();
        at(0.6);
        a.fail("process \"/bin/sh -c x\" did not complete successfully: exit code: 1");
        a.close();
        progress.close();
        assertEquals("""
                #5 [a 1/2] RUN x
                #5 ...

                #6 [b 1/2] RUN y
                #6 ...

                #5 [a 1/2] RUN x
                #5 0.200 a
                #5 ...

                #6 [b 1/2] RUN y
                #6 0.200 b
                #6 ...

                #5 [a 1/2] RUN x
                #5 0.400 d
                #5 ...

                #6 [b 1/2] RUN y
                #6 0.200 c
                #6 DONE 0.4s

                #5 [a 1/2] RUN x
                #5 ERROR: process "/bin/sh -c x" did not complete successfully: exit code: 1
                ------
                 > [a 1/2] RUN x:
                0.200 a
                0.400 d
                ------
                """, output());
    }

    @Test
    void plain_concurrentWriters_neverSplitLines() throws Exception {
        PlainProgress progress = new PlainProgress(out, System::nanoTime, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                BuildProgress.Step step = progress.start(10 + s, "[" + s + "/4] RUN loop");
                String word = "step" + s;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 200; i++) {
                        // each line written in three pieces
                        write(step, word + "-");
                        write(step, String.valueOf(i));
                        write(step, "-end\n");
                    }
                    step.close();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        progress.close();
        int logLines = 0;
        for (String line : output().split("\n")) {
            if (line.contains("step")) {
                logLines++;
                assertTrue(line.matches("#1[0-3] \\d+\\.\\d+ step[0-3]-\\d+-end"), line);
                assertEquals(line.charAt(2), line.charAt(line.indexOf("step") + 4), line);
            }
        }
        assertEquals(800, logLines);
    }

    @Test
    void plain_warning_printedOnItsOwnLine() throws Exception {
        PlainProgress progress = new PlainProgress(out, nanos::get, false);
        BuildProgress.Step s = progress.start(1, "[1/2] RUN a");
        progress.warn("FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)");
        s.close();
        assertEquals("""
                #1 [1/2] RUN a
                #1 ...

                WARNING: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)

                #1 [1/2] RUN a
                #1 DONE 0.0s
                """, output());
    }

    @Test
    void quiet_onlyFailuresPrinted() throws Exception {
        PlainProgress progress = new PlainProgress(out, nanos::get, true);
        BuildProgress.Step ok = progress.start(1, "[1/2] RUN true");
        write(ok, "hidden\n");
        ok.close();
        progress.warn("hidden too");
        BuildProgress.Step bad = progress.start(2, "[2/2] RUN false");
        at(1);
        write(bad, "why it failed\n");
        bad.fail("exit code: 1");
        bad.close();
        progress.close();
        assertEquals("""
                #2 [2/2] RUN false
                #2 ERROR: exit code: 1
                ------
                 > [2/2] RUN false:
                1.000 why it failed
                ------
                """, output());
    }

    @Test
    void plain_errorSummary_keepsLastTenLines() throws Exception {
        PlainProgress progress = new PlainProgress(out, nanos::get, true);
        BuildProgress.Step bad = progress.start(1, "[1/1] RUN many");
        for (int i = 1; i <= 12; i++) {
            write(bad, "line" + i + "\n");
        }
        bad.fail("exit code: 2");
        progress.close();
        String summary = output().substring(output().indexOf("------"));
        assertFalse(summary.contains("line2\n"));
        assertTrue(summary.contains("0.000 line3\n") && summary.contains("0.000 line12\n"), summary);
    }

    @Test
    void rawjson_events_oneParseableObjectPerLine() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
        RawJsonProgress progress = new RawJsonProgress(out, clock);
        BuildProgress.Step run = progress.start(5, "[2/3] RUN make");
        clock.now = Instant.parse("2026-11-23T09:00:00.5Z");
        run.log().write("hi\n\u00e9".getBytes(StandardCharsets.UTF_8));
        progress.warn("careful");
        clock.now = Instant.parse("2026-11-23T09:00:01.25Z");
        run.fail("exit code: 1");
        run.close();
        BuildProgress.Step cached = progress.start(6, "[3/3] COPY a b");
        cached.cached();
        cached.close();
        progress.close();

        ObjectMapper mapper = new ObjectMapper();
        String[] lines = output().split("\n");
        assertEquals(6, lines.length);
        JsonNode started = mapper.readTree(lines[0]);
        assertEquals(5, started.get("vertex").asInt());
        assertEquals("[2/3] RUN make", started.get("name").asText());
        assertEquals("2026-11-23T09:00:00Z", started.get("started").asText());
        JsonNode log = mapper.readTree(lines[1]);
        assertEquals(5, log.get("vertex").asInt());
        assertArrayEquals("hi\n\u00e9".getBytes(StandardCharsets.UTF_8),
                java.util.Base64.getDecoder().decode(log.get("log").asText()));
        assertEquals("2026-11-23T09:00:00.500Z", log.get("timestamp").asText());
        assertEquals("careful", mapper.readTree(lines[2]).get("warning").asText());
        JsonNode failed = mapper.readTree(lines[3]);
        assertEquals("2026-11-23T09:00:01.250Z", failed.get("completed").asText());
        assertEquals("exit code: 1", failed.get("error").asText());
        assertFalse(failed.has("cached"));
        JsonNode done = mapper.readTree(lines[5]);
        assertEquals(6, done.get("vertex").asInt());
        assertTrue(done.get("cached").asBoolean());
        assertFalse(done.has("error"));
    }

    @Test
    void tty_liveViewAndFinalState() throws Exception {
        TtyProgress progress = new TtyProgress(out, nanos::get, 60, 24, false);
        BuildProgress.Step from = progress.start(1, "[1/2] FROM busybox");
        from.cached();
        at(0.3);
        BuildProgress.Step run = progress.start(2, "[2/2] RUN make");
        write(run, "compiling a\ncompiling b\npartial");
        at(1.5);
        progress.redraw();
        String live = output();
        assertTrue(live.contains("[+] Building 1.5s (1/2)"), live);
        assertTrue(live.contains(" => CACHED [1/2] FROM busybox"), live);
        assertTrue(live.contains(" => [2/2] RUN make"), live);
        assertTrue(live.contains(" 1.2s"), live);
        assertTrue(live.contains(" => => # compiling b"), live);
        assertTrue(live.contains(" => => # partial"), live);
        at(2.0);
        progress.redraw();
        String second = output().substring(live.length());
        assertTrue(second.startsWith("\u001b[?25l\r\u001b[6A"), second); // back over the 6-line region: header, 2 steps, 3 output lines
        run.close();
        progress.close();
        String last = output().substring(output().lastIndexOf("[+] Building"));
        assertTrue(last.startsWith("[+] Building 2.0s (2/2) FINISHED"), last);
        assertTrue(last.contains(" => [2/2] RUN make"), last);
        assertFalse(last.contains("=> => #"), last);
    }

    @Test
    void tty_failedStep_summaryOnClose() throws Exception {
        TtyProgress progress = new TtyProgress(out, nanos::get, 60, 24, false);
        BuildProgress.Step run = progress.start(1, "[1/1] RUN false");
        write(run, "oops\n");
        run.fail("exit code: 1");
        progress.close();
        String text = output();
        assertTrue(text.contains(" => ERROR [1/1] RUN false"), text);
        assertTrue(text.endsWith("------\n > [1/1] RUN false:\n0.000 oops\n------\n"), text);
    }

    @Test
    void tty_tallView_commitsFinishedStepsAbove() throws Exception {
        TtyProgress progress = new TtyProgress(out, nanos::get, 60, 6, false);
        for (int i = 1; i <= 8; i++) {
            progress.start(i, "[" + i + "/8] RUN step" + i).close();
        }
        progress.start(9, "[9/9] RUN running");
        progress.redraw();
        progress.redraw();
        String text = output();
        // the first steps were printed once, above the region, and not again
        assertEquals(1, text.split("RUN step1 ", -1).length - 1, text);
        progress.close();
    }

    @Test
    void create_modes_pickPrinters() {
        assertInstanceOf(PlainProgress.class, ProgressPrinters.create(ProgressMode.AUTO, out, false));
        assertInstanceOf(PlainProgress.class, ProgressPrinters.create(ProgressMode.PLAIN, out, true));
        assertInstanceOf(PlainProgress.class, ProgressPrinters.create(ProgressMode.QUIET, out, true));
        assertInstanceOf(RawJsonProgress.class, ProgressPrinters.create(ProgressMode.RAWJSON, out, true));
        try (BuildProgress tty = ProgressPrinters.create(ProgressMode.TTY, out, false)) {
            assertInstanceOf(TtyProgress.class, tty);
            tty.start(1, "[1/1] RUN x").close();
        }
        assertTrue(output().contains("FINISHED"));
        BuildProgress auto = ProgressPrinters.create(ProgressMode.AUTO, out, true);
        auto.close();
        assertEquals("dumb".equals(System.getenv("TERM")) ? PlainProgress.class : TtyProgress.class, auto.getClass());
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
