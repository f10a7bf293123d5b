package io.jbuild.layerstore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The one configured JSON mapper of the module: empty and null fields omitted (as Go's
 * {@code omitempty}), fields in the spec's order, map keys sorted, no pretty printing. Reading
 * is strict about types (no "1470" for a number, no number for a string), rejects duplicate
 * keys and trailing content, and ignores unknown fields.
 */
public final class Json {
    private Json() {
    }

    private static final ObjectMapper MAPPER = create();

    private static ObjectMapper create() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.INDENT_OUTPUT)
                .serializationInclusion(JsonInclude.Include.NON_EMPTY)
                .build();
        for (LogicalType t : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean}) {
            mapper.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer || t == LogicalType.Float
                            ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, t == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
        }
        return mapper;
    }

    /** Parses a document strictly; the message names the type and what is wrong. */
    public static <T> T read(byte[] bytes, Class<T> type) throws InvalidDocumentException {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidDocumentException("parse " + type.getSimpleName() + ": " + cause.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new InvalidDocumentException("parse " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidDocumentException("parse " + type.getSimpleName() + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidDocumentException("parse " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Serialises compactly; the bytes are what gets digested. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Writes a string set as Go's {@code map[string]struct{}}: {@code {"a":{},"b":{}}}. */
    static final class StringSetSerializer extends JsonSerializer<SortedSet<String>> {
        @Override
        public void serialize(SortedSet<String> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            for (String s : value) {
                gen.writeFieldName(s);
                gen.writeStartObject();
                gen.writeEndObject();
            }
            gen.writeEndObject();
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, SortedSet<String> value) {
            return value == null || value.isEmpty();
        }
    }

    /** Reads {@code {"a":{},"b":{}}} (values ignored, must be objects) into a sorted set. */
    static final class StringSetDeserializer extends JsonDeserializer<SortedSet<String>> {
        @SuppressWarnings("unchecked")
        @Override
        public SortedSet<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (SortedSet<String>) ctxt.handleUnexpectedToken(SortedSet.class, p);
            }
            TreeSet<String> set = new TreeSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                set.add(p.currentName());
                JsonToken value = p.nextToken();
                if (value != JsonToken.START_OBJECT && value != JsonToken.VALUE_NULL) {
                    return (SortedSet<String>) ctxt.handleUnexpectedToken(SortedSet.class, p);
                }
                p.skipChildren();
            }
            return Collections.unmodifiableSortedSet(set);
        }

        @Override
        public SortedSet<String> getNullValue(DeserializationContext ctxt) {
            return null;
        }
    }
}
