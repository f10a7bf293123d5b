package io.jbuild.cli;

import io.jbuild.registry.sign.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild generate-key-pair}: a cosign-compatible ECDSA P-256 key pair. */
@Command(name = "generate-key-pair", mixinStandardHelpOptions = true,
        description = "Generate a cosign key pair: PREFIX.key (encrypted) and PREFIX.pub.")
final class GenerateKeyPairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = "--output-key-prefix", paramLabel = "PREFIX", defaultValue = "cosign",
            description = "Prefix of the key files (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Override
    public Integer call() throws Exception {
        Path key = Path.of(prefix + ".key");
        Path pub = Path.of(prefix + ".pub");
        for (Path p : new Path[] {key, pub}) {
            if (Files.exists(p)) {
                throw new CommandException("generate key pair: " + p + " already exists");
            }
        }
        char[] password = SigningPasswords.read(main.environment(), "generate key pair", true);
        KeyPair keys = KeyFiles.generateKeyPair();
        Files.write(key, KeyFiles.writeEncryptedPrivateKey(keys.getPrivate(), password));
        Files.write(pub, KeyFiles.writePublicKey(keys.getPublic()));
        spec.commandLine().getOut().println("Private key written to " + key);
        spec.commandLine().getOut().println("Public key written to " + pub);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
