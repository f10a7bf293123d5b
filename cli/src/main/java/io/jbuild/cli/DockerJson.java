package io.jbuild.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** JSON written as Docker writes it: four-space indent, {@code "key": value}, {@code []} and {@code {}} when empty. */
final class DockerJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private DockerJson() {
    }

    static String pretty(JsonNode node) {
        try {
            return MAPPER.writer(new Printer()).writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("write JSON: " + e, e);
        }
    }

    static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("write JSON: " + e, e);
        }
    }

    private static final class Printer extends DefaultPrettyPrinter {
        Printer() {
            DefaultIndenter indent = new DefaultIndenter("    ", "\n");
            _objectIndenter = indent;
            _arrayIndenter = indent;
            _objectFieldValueSeparatorWithSpaces = ": ";
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new Printer();
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            if (nrOfValues == 0) {
                --_nesting;
                g.writeRaw(']');
                return;
            }
            super.writeEndArray(g, nrOfValues);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
            if (nrOfEntries == 0) {
                --_nesting;
                g.writeRaw('}');
                return;
            }
            super.writeEndObject(g, nrOfEntries);
        }
    }
}
