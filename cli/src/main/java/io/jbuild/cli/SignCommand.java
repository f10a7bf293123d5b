package io.jbuild.cli;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.RegistryClient;
import io.jbuild.registry.sign.CosignSigner;
import io.jbuild.registry.sign.KeyFiles;
import io.jbuild.registry.sign.RegistrySignatureRepository;
import io.jbuild.registry.sign.SignResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild sign --key KEY REF}: a cosign signature of the image's manifest digest. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign an image in a registry with a cosign key (tag-based signature).")
final class SignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Mixin
    RegistryOptions registry;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "The private key file.")
    Path key;

    @Option(names = {"-a", "--annotations"}, paramLabel = "KEY=VALUE", description = "Annotations to sign.")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Parameters(paramLabel = "REF", description = "The image to sign.")
    String reference;

    @Override
    public Integer call() throws Exception {
        Environment env = main.environment();
        ImageReference ref = ImageReference.parse(reference);
        RegistryClient client = registry.client(env);
        SignResult result = sign(env, client, store, key, ref, annotations);
        spec.commandLine().getOut().println(ref.name() + ":" + result.tag());
        spec.commandLine().getOut().flush();
        return 0;
    }

    static SignResult sign(Environment env, RegistryClient client, StoreOptions store, Path key,
                           ImageReference ref, Map<String, String> annotations) throws Exception {
        var keys = KeyFiles.readPrivateKey(Files.readAllBytes(key), SigningPasswords.read(env, "sign " + ref, false));
        Descriptor manifest = ref.digest() != null && ref.tag() == null ? null
                : client.checkManifest(ref).orElseThrow(() -> new CommandException("sign " + ref + ": no such image"));
        var digest = manifest == null ? ref.digest() : manifest.digest();
        var repository = new RegistrySignatureRepository(client, ref, store.open(env));
        return new CosignSigner(keys).sign(repository, ref, digest, annotations);
    }
}
