package io.jbuild.builder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@code --progress=rawjson}: one JSON object per event, one per line, written as the event
 * happens (like BuildKit's {@code rawJSONDisplay}, in a flatter schema). Times are RFC 3339 in UTC
 * with up to nanosecond precision.
 *
 * <pre>
 * {"vertex":5,"name":"[2/3] RUN make","started":"2026-11-23T09:00:00.1Z"}        a step started
 * {"vertex":5,"timestamp":"2026-11-23T09:00:00.4Z","log":"aGVsbG8K"}             output: the bytes as written, base64
 * {"vertex":5,"name":"[2/3] RUN make","started":"...","completed":"..."}         done
 * {"vertex":5,"name":"...","started":"...","completed":"...","cached":true}      from the cache
 * {"vertex":5,"name":"...","started":"...","completed":"...","error":"message"}  failed
 * {"timestamp":"...","warning":"message"}                                          a build warning
 * </pre>
 *
 * {@code vertex} is the step number given to {@link #start}. {@code cached} and {@code error} are
 * absent when false or none. Nothing is written on close.
 */
final class RawJsonProgress implements BuildProgress {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintStream out;
    private final Clock clock;

    RawJsonProgress(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public Step start(int number, String name) {
        Instant started = clock.instant();
        ObjectNode event = MAPPER.createObjectNode();
        event.put("vertex", number);
        event.put("name", name);
        event.put("started", started.toString());
        emit(event);
        return new JsonStep(number, name, started);
    }

    @Override
    public void warn(String message) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("timestamp", clock.instant().toString());
        event.put("warning", message);
        emit(event);
    }

    @Override
    public void close() {
        out.flush();
    }

    private void emit(ObjectNode event) {
        String line;
        try {
            line = MAPPER.writeValueAsString(event) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes, 0, bytes.length);
            out.flush();
        }
    }

    private final class JsonStep implements Step {
        private final int number;
        private final String name;
        private final Instant started;
        private boolean finished;

        private final OutputStream stream = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len == 0) {
                    return;
                }
                ObjectNode event = MAPPER.createObjectNode();
                event.put("vertex", number);
                event.put("timestamp", clock.instant().toString());
                event.put("log", Base64.getEncoder().encodeToString(Arrays.copyOfRange(b, off, off + len)));
                emit(event);
            }
        };

        JsonStep(int number, String name, Instant started) {
            this.number = number;
            this.name = name;
            this.started = started;
        }

        @Override
        public OutputStream log() {
            return stream;
        }

        @Override
        public void cached() {
            finish(true, null);
        }

        @Override
        public void fail(String message) {
            finish(false, message == null ? "" : message);
        }

        @Override
        public void close() {
            finish(false, null);
        }

        private void finish(boolean cached, String error) {
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
            }
            ObjectNode event = MAPPER.createObjectNode();
            event.put("vertex", number);
            event.put("name", name);
            event.put("started", started.toString());
            event.put("completed", clock.instant().toString());
            if (cached) {
                event.put("cached", true);
            }
            if (error != null) {
                event.put("error", error);
            }
            emit(event);
        }
    }
}
