package io.jbuild.cli;

import io.jbuild.registry.CredentialProvider;
import io.jbuild.registry.DockerConfigCredentials;
import io.jbuild.registry.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Registry connection options shared by the commands that talk to registries ({@code @Mixin}). */
final class RegistryOptions {
    /** How many blobs pull and push transfer at once. */
    static final int PARALLELISM = 4;

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Allow plain HTTP to this registry when HTTPS fails (repeatable; loopback registries "
                    + "are allowed anyway).")
    List<String> insecureRegistries = new ArrayList<>();

    /** A client with the credentials of {@code config.json} and the other places Docker and podman keep them. */
    RegistryClient client(Environment env) {
        return client(DockerConfigCredentials.fromEnvironment(env.variables(), env.home()));
    }

    RegistryClient client(CredentialProvider credentials) {
        RegistryClient.Builder builder = RegistryClient.builder().credentials(credentials);
        for (String host : insecureRegistries) {
            builder.insecureRegistry(host);
        }
        return builder.build();
    }
}
