package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.TestImages;
import io.jbuild.registry.TestRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jbuild generate-key-pair}, {@code sign} and {@code verify} against a real docker-registry. */
class SignCommandsIT {
    private static TestRegistry registry;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    record Result(int exit, String out, String err) {
    }

    private Environment env() {
        return Environment.of(Map.of("DOCKER_CONFIG", temp.resolve("docker").toString(),
                "COSIGN_PASSWORD", "pw"), temp.resolve("home"));
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err), env());
        return new Result(exit, out.toString(), err.toString());
    }

    private String pushImage(String name) throws Exception {
        BlobStore store = BlobStore.open(temp.resolve("src-" + name));
        TestImages.Image image = TestImages.image(store, name, 1, 1000);
        store.tag(name, image.manifest());
        String ref = registry.host() + "/cli/" + name + ":v1";
        new Pusher(RegistryClient.builder().build(), store, 2).push(name,
                io.jbuild.layerstore.ImageReference.parse(ref));
        return ref;
    }

    @Test
    void generateSignVerify_roundTrip_printsPayload() throws Exception {
        String prefix = temp.resolve("k").toString();
        Result gen = run("generate-key-pair", "--output-key-prefix", prefix);
        assertEquals(0, gen.exit(), gen.err());
        assertTrue(Files.exists(Path.of(prefix + ".key")) && Files.exists(Path.of(prefix + ".pub")));
        assertEquals(1, run("generate-key-pair", "--output-key-prefix", prefix).exit());

        String ref = pushImage("app");
        String root = temp.resolve("store").toString();
        Result sign = run("sign", "--root", root, "--key", prefix + ".key", "-a", "env=ci", ref);
        assertEquals(0, sign.exit(), sign.err());
        assertTrue(sign.out().strip().endsWith(".sig"), sign.out());

        Result verify = run("verify", "--root", root, "--key", prefix + ".pub", "-a", "env=ci", ref);
        assertEquals(0, verify.exit(), verify.err());
        assertTrue(verify.out().contains("\"env\":\"ci\""), verify.out());

        Result wrong = run("verify", "--root", root, "--key", prefix + ".pub", "-a", "env=prod", ref);
        assertEquals(1, wrong.exit());
        assertEquals(1, wrong.err().strip().lines().count(), wrong.err());
    }

    @Test
    void verify_unsigned_exitOne() throws Exception {
        String prefix = temp.resolve("k").toString();
        assertEquals(0, run("generate-key-pair", "--output-key-prefix", prefix).exit());
        String ref = pushImage("unsigned");
        Result verify = run("verify", "--root", temp.resolve("store").toString(), "--key", prefix + ".pub", ref);
        assertEquals(1, verify.exit());
        assertTrue(verify.err().contains("verify"), verify.err());
    }

    @Test
    void pushSign_signsPushedImage_verifies() throws Exception {
        String prefix = temp.resolve("k").toString();
        assertEquals(0, run("generate-key-pair", "--output-key-prefix", prefix).exit());
        String root = temp.resolve("store").toString();
        BlobStore store = BlobStore.open(temp.resolve("store"));
        TestImages.Image image = TestImages.image(store, "pushed", 1, 1000);
        String ref = registry.host() + "/cli/pushed:v1";
        store.tag(ref, image.manifest());
        Result push = run("push", "--root", root, "--sign", "--key", prefix + ".key", ref);
        assertEquals(0, push.exit(), push.err());
        assertTrue(push.out().contains("Signed: "), push.out());
        Result verify = run("verify", "--root", root, "--key", prefix + ".pub", ref);
        assertEquals(0, verify.exit(), verify.err());
        assertTrue(verify.out().contains(image.manifest().digest().toString()), verify.out());
    }

    @Test
    void pullVerifyPolicy_signedAndUnsigned_onlySignedTagged() throws Exception {
        String prefix = temp.resolve("k").toString();
        assertEquals(0, run("generate-key-pair", "--output-key-prefix", prefix).exit());
        String signed = pushImage("policysigned");
        String unsigned = pushImage("policyunsigned");
        String root = temp.resolve("store").toString();
        assertEquals(0, run("sign", "--root", root, "--key", prefix + ".key", signed).exit());
        Path policy = temp.resolve("policy.json");
        Files.writeString(policy, "[{\"" + registry.host() + "/cli/*\": [\"k.pub\"]}]");

        Result ok = run("pull", "--root", root, "--verify-policy", policy.toString(), signed);
        assertEquals(0, ok.exit(), ok.err());
        BlobStore store = BlobStore.open(temp.resolve("store"));
        assertTrue(store.resolve(signed).isPresent());

        Result refused = run("pull", "--root", root, "--verify-policy", policy.toString(), unsigned);
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("refused by verify policy"), refused.err());
        assertTrue(store.resolve(unsigned).isEmpty());

        Files.writeString(policy, "[{\"other.example/**\": [\"k.pub\"]}]");
        assertEquals(0, run("pull", "--root", root, "--verify-policy", policy.toString(), unsigned).exit());
        assertTrue(store.resolve(unsigned).isPresent());
    }
}
