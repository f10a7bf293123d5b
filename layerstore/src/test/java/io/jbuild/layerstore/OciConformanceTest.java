package io.jbuild.layerstore;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The OCI image-spec vectors in conformance/oci-image-spec, one test case per document. */
class OciConformanceTest {
    private static final Path SPEC = Conformance.ociImageSpec();

    static Stream<Arguments> examples() {
        return Conformance.tsv(SPEC.resolve("examples/INDEX.tsv")).stream()
                .map(r -> Arguments.of(r[0], r[1]));
    }

    static Stream<Arguments> schemaTests() {
        return Conformance.tsv(SPEC.resolve("schema-tests/INDEX.tsv")).stream()
                .map(r -> Arguments.of(r[0], r[1], r[2]));
    }

    static Stream<Arguments> dockerCompat() {
        return Conformance.tsv(SPEC.resolve("docker-compat/INDEX.tsv")).stream()
                .map(r -> Arguments.of(r[0], r[1], r[3]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void validate_specExample_passesAndRoundTrips(String file, String mediaType) throws Exception {
        byte[] bytes = Files.readAllBytes(SPEC.resolve(file));
        Object value = DocumentValidator.validate(mediaType, bytes);
        assertRoundTrips(mediaType, value);
    }

    @ParameterizedTest(name = "{0} expect {2}")
    @MethodSource("schemaTests")
    void validate_schemaVector_matchesExpectation(String file, String mediaType, String expect) throws Exception {
        byte[] bytes = Files.readAllBytes(SPEC.resolve(file));
        if (expect.equals("pass")) {
            Object value = DocumentValidator.validate(mediaType, bytes);
            assertRoundTrips(mediaType, value);
        } else {
            InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                    () -> DocumentValidator.validate(mediaType, bytes));
            assertNotNull(e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerCompat")
    void parse_dockerHubDocument_keepsDigestedBytes(String file, String ociMediaType, String sha256) throws Exception {
        byte[] bytes = Files.readAllBytes(SPEC.resolve(file));
        Class<?> type = switch (ociMediaType) {
            case MediaType.OCI_INDEX -> ImageIndex.class;
            case MediaType.OCI_MANIFEST -> Manifest.class;
            default -> ImageConfig.class;
        };
        Stored<?> stored = Stored.parse(bytes, type);
        assertEquals(Digest.parse(sha256), stored.digest());
        assertArrayEquals(bytes, stored.bytes());
        // the Docker document validates as its OCI equivalent once the media types are replaced
        String converted = new String(bytes, StandardCharsets.UTF_8)
                .replace(MediaType.DOCKER_MANIFEST_LIST, MediaType.OCI_INDEX)
                .replace(MediaType.DOCKER_MANIFEST, MediaType.OCI_MANIFEST)
                .replace(MediaType.DOCKER_LAYER_GZIP, MediaType.OCI_LAYER_GZIP)
                .replace(MediaType.DOCKER_CONFIG, MediaType.OCI_CONFIG);
        DocumentValidator.validate(ociMediaType, converted.getBytes(StandardCharsets.UTF_8));
        // and also as the Docker media type itself
        String dockerType = switch (ociMediaType) {
            case MediaType.OCI_INDEX -> MediaType.DOCKER_MANIFEST_LIST;
            case MediaType.OCI_MANIFEST -> MediaType.DOCKER_MANIFEST;
            default -> MediaType.DOCKER_CONFIG;
        };
        DocumentValidator.validate(dockerType, bytes);
    }

    private static void assertRoundTrips(String mediaType, Object value) throws InvalidDocumentException {
        byte[] written = Json.write(value);
        Object again = DocumentValidator.validate(mediaType, written);
        assertEquals(value, again);
        assertArrayEquals(written, Json.write(again));
    }
}
