package io.jbuild.registry.sign;

import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.MediaType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignatureImageTest {
    private static SignatureImage example() {
        byte[] signature = Base64.getDecoder().decode(CosignExample.bytes("signature.b64"));
        return SignatureImage.empty().append(SignatureLayer.of(CosignExample.bytes("payload.json"), signature));
    }

    @Test
    void tag_exampleDigest_isShaDashHexDotSig() {
        assertEquals(CosignExample.fact("signature_tag"),
                SignatureImage.tag(Digest.fromString(CosignExample.fact("image_manifest_digest"))));
    }

    @Test
    void configBytes_example_matchesSigConfigJson() {
        byte[] config = example().configBytes();
        assertArrayEquals(CosignExample.bytes("sig-config.json"), config);
        assertEquals(CosignExample.fact("sig_config_digest"), Digest.of(config).toString());
        assertEquals(CosignExample.facts().get("sig_config_size").asInt(), config.length);
    }

    @Test
    void manifestBytes_example_matchesSigManifestJson() {
        SignatureImage image = example();
        assertArrayEquals(CosignExample.bytes("sig-manifest.json"), image.manifestBytes());
        assertEquals(CosignExample.fact("sig_manifest_digest"), image.manifestDigest().toString());
        assertEquals(CosignExample.facts().get("sig_manifest_size").asInt(), image.manifestBytes().length);
        assertEquals(MediaType.OCI_MANIFEST, image.manifestMediaType());
    }

    @Test
    void signatureDer_example_equalsDecodedBase64() throws Exception {
        assertArrayEquals(CosignExample.bytes("signature.der"), example().layers().get(0).signature().orElseThrow());
    }

    @Test
    void parse_exampleManifestAndConfig_reproducesSameBytes() throws Exception {
        SignatureImage parsed = SignatureImage.parse(CosignExample.bytes("sig-manifest.json"),
                CosignExample.bytes("sig-config.json"));
        assertEquals(example(), parsed);
        assertArrayEquals(CosignExample.bytes("sig-manifest.json"), parsed.manifestBytes());
    }

    @Test
    void append_secondSignature_growsLayersHistoryAndDiffIdsInStep() throws Exception {
        byte[] payload2 = "{\"other\":1}".getBytes(StandardCharsets.UTF_8);
        SignatureImage two = example().append(SignatureLayer.of(payload2, new byte[] {1, 2, 3}));
        String config = new String(two.configBytes(), StandardCharsets.UTF_8);
        assertEquals("{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"},"
                + "{\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + CosignExample.fact("payload_digest") + "\",\"" + Digest.of(payload2) + "\"]},\"config\":{}}", config);
        String manifest = new String(two.manifestBytes(), StandardCharsets.UTF_8);
        String sigManifest = new String(CosignExample.bytes("sig-manifest.json"), StandardCharsets.UTF_8);
        String firstLayer = sigManifest.substring(sigManifest.indexOf("\"layers\":[") + 10, sigManifest.length() - 2);
        assertTrue(manifest.contains("\"layers\":[" + firstLayer + ",{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"size\":11,\"digest\":\""
                + Digest.of(payload2) + "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"AQID\"}}]}"), manifest);
        assertTrue(manifest.contains("\"size\":" + two.configBytes().length + ",\"digest\":\"" + Digest.of(two.configBytes()) + "\""));
        SignatureImage reparsed = SignatureImage.parse(two.manifestBytes(), two.configBytes());
        assertEquals(2, reparsed.layers().size());
        assertArrayEquals(two.manifestBytes(), reparsed.manifestBytes());
    }

    @Test
    void parse_recordedTimestampsAndDockerTypes_preserved() throws Exception {
        SignatureImage stamped = new SignatureImage(example().layers(), "2024-01-02T03:04:05Z",
                List.of("2024-01-02T03:04:05Z"), true);
        SignatureImage parsed = SignatureImage.parse(stamped.manifestBytes(), stamped.configBytes());
        assertEquals(stamped, parsed);
        assertTrue(new String(parsed.manifestBytes(), StandardCharsets.UTF_8)
                .startsWith("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.DOCKER_MANIFEST + "\",\"config\":{\"mediaType\":\""
                        + MediaType.DOCKER_CONFIG + "\""));
    }

    @Test
    void layerAnnotations_certificateWithNewlines_escapedAndSorted() {
        SignatureLayer layer = new SignatureLayer(SimpleSigningPayload.MEDIA_TYPE, Digest.of(new byte[0]), 0, Map.of(
                SignatureLayer.SIGNATURE_ANNOTATION, "c2ln",
                SignatureLayer.CERTIFICATE_ANNOTATION, "-----BEGIN CERTIFICATE-----\nAB<>\n"));
        String manifest = new String(SignatureImage.empty().append(layer).manifestBytes(), StandardCharsets.UTF_8);
        assertTrue(manifest.contains("\"annotations\":{\"dev.cosignproject.cosign/signature\":\"c2ln\","
                + "\"dev.sigstore.cosign/certificate\":\"-----BEGIN CERTIFICATE-----\\nAB\\u003c\\u003e\\n\"}"), manifest);
    }

    @Test
    void parseManifest_tooManyLayersOrIndex_rejected() {
        SignatureImage image = SignatureImage.empty();
        SignatureLayer layer = example().layers().get(0);
        for (int i = 0; i <= SignatureImage.MAX_LAYERS; i++) {
            image = image.append(layer);
        }
        byte[] big = image.manifestBytes();
        SignatureException e = assertThrows(SignatureException.class, () -> SignatureImage.parseManifest(big));
        assertTrue(e.getMessage().contains("exceed the limit of 1000"), e.getMessage());
        assertThrows(SignatureException.class, () -> SignatureImage.parseManifest("{}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(SignatureImage.empty().dockerMediaTypes());
    }
}
