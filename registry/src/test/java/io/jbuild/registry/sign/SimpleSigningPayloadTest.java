package io.jbuild.registry.sign;

import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimpleSigningPayloadTest {
    private static final Digest EXAMPLE = Digest.fromString(
            "sha256:be4fe13b3aea1185b0d6f4a6468ca0811b7a2dee3f3232077e0f7f9f5cd83154");

    @Test
    void toBytes_conformanceExample_matchesPayloadJson() throws Exception {
        ImageReference image = ImageReference.parse(CosignExample.fact("image_reference"));
        SimpleSigningPayload payload = SimpleSigningPayload.of(image, image.digest(), Map.of());
        byte[] bytes = payload.toBytes();
        assertArrayEquals(CosignExample.bytes("payload.json"), bytes);
        assertEquals(CosignExample.fact("payload_digest"), Digest.of(bytes).toString());
        assertEquals(CosignExample.facts().get("payload_size").asInt(), bytes.length);
    }

    /** cosign pkg/cosign/obsolete_test.go: the payload must stay byte-identical across versions. */
    @Test
    void toBytes_cosignUpstreamVector_matchesExactly() throws Exception {
        ImageReference image = ImageReference.parse(
                "docker.io/namespace/image@sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec");
        String expected = "{\"critical\":{\"identity\":{\"docker-reference\":\"index.docker.io/namespace/image\"},"
                + "\"image\":{\"docker-manifest-digest\":\"sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec\"},"
                + "\"type\":\"cosign container image signature\"},\"optional\":null}";
        assertEquals(expected, new String(SimpleSigningPayload.of(image, image.digest(), null).toBytes(),
                StandardCharsets.UTF_8));
        assertEquals(247, expected.length());
    }

    @ParameterizedTest
    @CsvSource({
            "ubuntu, index.docker.io/library/ubuntu",
            "ubuntu:22.04, index.docker.io/library/ubuntu",
            "namespace/image, index.docker.io/namespace/image",
            "index.docker.io/namespace/image:tag, index.docker.io/namespace/image",
            "ghcr.io/org/app:1.0, ghcr.io/org/app",
            "localhost:5000/a/b/c@sha256:4aa3054270f7a70b4528f2064ee90961788e1e1518703592ae4463de3b889dec, localhost:5000/a/b/c"})
    void dockerReference_variousReferences_printsLikeGoContainerRegistry(String input, String expected) throws Exception {
        assertEquals(expected, SimpleSigningPayload.dockerReference(ImageReference.parse(input)));
    }

    @Test
    void toBytes_annotations_sortedAndHtmlEscaped() {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("z", "last");
        annotations.put("a", "<b>&\"q\"\n");
        SimpleSigningPayload payload = new SimpleSigningPayload("r.io/x", EXAMPLE, annotations);
        String json = new String(payload.toBytes(), StandardCharsets.UTF_8);
        assertTrue(json.endsWith(",\"optional\":{\"a\":\"\\u003cb\\u003e\\u0026\\\"q\\\"\\n\",\"z\":\"last\"}}"), json);
    }

    @Test
    void parse_ownOutput_roundTrips() throws Exception {
        SimpleSigningPayload payload = new SimpleSigningPayload("r.io/x", EXAMPLE, Map.of("k", "<v>"));
        assertEquals(payload, SimpleSigningPayload.parse(payload.toBytes()));
        SimpleSigningPayload bare = SimpleSigningPayload.parse(CosignExample.bytes("payload.json"));
        assertEquals("127.0.0.1:5000/demo/hello", bare.dockerReference());
        assertEquals(EXAMPLE, bare.manifestDigest());
        assertNull(bare.annotations());
    }

    @Test
    void parse_otherKeyOrderSpacingAndNumbers_accepted() throws Exception {
        String json = "{ \"optional\": {\"creator\": \"skopeo\", \"timestamp\": 1700000000},\n"
                + "  \"critical\": {\"type\": \"cosign container image signature\", \"image\": "
                + "{\"docker-manifest-digest\": \"" + EXAMPLE + "\"}, \"identity\": {\"docker-reference\": \"r.io/x\"}}}";
        SimpleSigningPayload payload = SimpleSigningPayload.parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("creator", "skopeo", "timestamp", "1700000000"), payload.annotations());
    }

    @Test
    void parse_otherType_rejected() {
        String json = new String(CosignExample.bytes("payload.json"), StandardCharsets.UTF_8)
                .replace("cosign container image signature", "atomic container signature");
        SignatureException e = assertThrows(SignatureException.class,
                () -> SimpleSigningPayload.parse(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("critical.type"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json",
            "[]",
            "{\"critical\":{}}",
            "{\"critical\":{\"type\":\"cosign container image signature\",\"identity\":{\"docker-reference\":\"x\"},\"image\":{\"docker-manifest-digest\":\"sha256:zz\"}}}",
            "{\"critical\":{\"type\":\"cosign container image signature\",\"identity\":{},\"image\":{}}}"})
    void parse_malformed_throwsSignatureException(String json) {
        assertThrows(SignatureException.class, () -> SimpleSigningPayload.parse(json.getBytes(StandardCharsets.UTF_8)));
    }
}
