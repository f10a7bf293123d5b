package io.jbuild.registry.sign;

import com.fasterxml.jackson.databind.JsonNode;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** One test per entry of example/facts.json, each value recomputed by our code from the example files. */
class CosignExampleFactsTest {
    @TestFactory
    List<DynamicTest> facts_eachEntry_recomputedValueMatches() {
        JsonNode facts = CosignExample.facts();
        List<DynamicTest> tests = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = facts.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> fact = it.next();
            tests.add(DynamicTest.dynamicTest(fact.getKey(), () -> {
                String expected = fact.getValue().asText();
                if (fact.getKey().equals("signature_algorithm")) {
                    assertTrue(expected.startsWith("ECDSA P-256, SHA-256 over the payload bytes, ASN.1 DER"), expected);
                    ECPublicKey key = (ECPublicKey) KeyFiles.readPublicKey(CosignExample.bytes("cosign.pub"));
                    assertEquals(256, key.getParams().getCurve().getField().getFieldSize());
                    assertTrue(new CosignVerifier(key).verify(CosignExample.bytes("payload.json"),
                            Base64.getDecoder().decode(CosignExample.bytes("signature.b64"))));
                    return;
                }
                Supplier<String> actual = computed(fact.getKey());
                if (actual == null) {
                    fail("no computation for fact " + fact.getKey());
                }
                assertEquals(expected, actual.get());
            }));
        }
        return tests;
    }

    private static Supplier<String> computed(String name) {
        ImageReference image = reference();
        SignatureImage sig = SignatureImage.empty().append(SignatureLayer.of(
                SimpleSigningPayload.of(image, image.digest(), null).toBytes(),
                Base64.getDecoder().decode(CosignExample.bytes("signature.b64"))));
        byte[] payload = SimpleSigningPayload.of(image, image.digest(), null).toBytes();
        String tag = SignatureImage.tag(image.digest());
        return switch (name) {
            case "image_reference" -> image::toString;
            case "image_manifest_digest" -> () -> Digest.of(CosignExample.bytes("image-manifest.json")).toString();
            case "image_manifest_size" -> () -> String.valueOf(CosignExample.bytes("image-manifest.json").length);
            case "image_config_digest" -> () -> Digest.of(CosignExample.bytes("image-config.json")).toString();
            case "image_layer_digest" -> () -> Digest.of(CosignExample.bytes("image-layer.tar.gz")).toString();
            case "image_layer_diff_id" -> () -> Digest.of(gunzip(CosignExample.bytes("image-layer.tar.gz"))).toString();
            case "signature_tag" -> () -> tag;
            case "signature_reference" -> () -> image.withTag(tag).toString();
            case "payload_digest" -> () -> Digest.of(payload).toString();
            case "payload_size" -> () -> String.valueOf(payload.length);
            case "sig_config_digest" -> () -> Digest.of(sig.configBytes()).toString();
            case "sig_config_size" -> () -> String.valueOf(sig.configBytes().length);
            case "sig_manifest_digest" -> () -> sig.manifestDigest().toString();
            case "sig_manifest_size" -> () -> String.valueOf(sig.manifestBytes().length);
            default -> null;
        };
    }

    private static ImageReference reference() {
        try {
            return ImageReference.parse(CosignExample.fact("image_reference"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
