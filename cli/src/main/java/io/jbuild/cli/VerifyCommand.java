package io.jbuild.cli;

import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.sign.CosignVerifier;
import io.jbuild.registry.sign.KeyFiles;
import io.jbuild.registry.sign.RegistrySignatureRepository;
import io.jbuild.registry.sign.VerificationException;
import io.jbuild.registry.sign.VerifiedSignature;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild verify --key PUB REF}: prints the verified signature payloads as JSON lines. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify an image's cosign signatures with a public key.")
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Mixin
    RegistryOptions registry;

    @Option(names = "--key", required = true, paramLabel = "PUB", description = "The public key file.")
    Path key;

    @Option(names = {"-a", "--annotations"}, paramLabel = "KEY=VALUE",
            description = "Annotations every accepted signature must carry.")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Parameters(paramLabel = "REF", description = "The image to verify.")
    String reference;

    @Override
    public Integer call() throws Exception {
        Environment env = main.environment();
        ImageReference ref = ImageReference.parse(reference);
        RegistryClient client = registry.client(env);
        Digest digest = ref.digest() != null ? ref.digest() : client.checkManifest(ref)
                .orElseThrow(() -> new CommandException("verify " + ref + ": no such image")).digest();
        var verifier = new CosignVerifier(KeyFiles.readPublicKey(Files.readAllBytes(key)));
        List<VerifiedSignature> verified;
        try {
            verified = verifier.verify(new RegistrySignatureRepository(client, ref, store.open(env)), digest, annotations);
        } catch (VerificationException e) {
            throw new CommandException("verify " + ref + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        PrintWriter out = spec.commandLine().getOut();
        for (VerifiedSignature signature : verified) {
            out.println(new String(signature.payload().toBytes(), StandardCharsets.UTF_8).strip());
        }
        out.flush();
        return 0;
    }
}
