package io.jbuild.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild logout [REGISTRY]}: removes the registry's credentials from Docker's {@code config.json}. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Log out of a registry: remove its credentials from Docker's config.json.")
final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "REGISTRY", defaultValue = "docker.io",
            description = "The registry host[:port] (default: docker.io).")
    String server;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String host = DockerConfigFile.registryHost(server);
        if (DockerConfigFile.of(main.environment()).removeAuth(host)) {
            out.println("Removing login credentials for " + DockerConfigFile.key(host));
        } else {
            out.println("Not logged in to " + DockerConfigFile.key(host));
        }
        out.flush();
        return 0;
    }
}
