package io.jbuild.cli;

import io.jbuild.registry.CredentialProvider;
import io.jbuild.registry.Credentials;
import io.jbuild.registry.RegistryException;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jbuild login [-u USER] [-p PASS | --password-stdin] [REGISTRY]}: checks the credentials
 * with {@code GET /v2/} and stores them in Docker's {@code config.json}.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Log in to a registry: check the credentials and store them in Docker's config.json.")
final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    RegistryOptions registry;

    @Parameters(paramLabel = "REGISTRY", defaultValue = "docker.io",
            description = "The registry host[:port] (default: docker.io).")
    String server;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "The user name (asked for on a terminal).")
    String username;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
            description = "The password (visible to other users of this machine; prefer --password-stdin).")
    String password;

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
        Environment env = main.environment();
        PrintWriter out = spec.commandLine().getOut();
        String host = DockerConfigFile.registryHost(server);
        if (password != null && passwordStdin) {
            throw new CommandException("log in to " + host + ": --password and --password-stdin are mutually exclusive");
        }
        Console console = env.terminal() ? System.console() : null;
        if (passwordStdin && username == null) {
            throw new CommandException("log in to " + host + ": --password-stdin needs --username");
        }
        if (username == null) {
            if (console == null) {
                throw new CommandException("log in to " + host + ": no user name given (-u) and no terminal to ask on");
            }
            username = console.readLine("Username: ");
        }
        if (username == null || username.isBlank()) {
            throw new CommandException("log in to " + host + ": the user name is empty");
        }
        if (password != null) {
            spec.commandLine().getErr().println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
            spec.commandLine().getErr().flush();
        } else if (passwordStdin) {
            password = readStdin(env);
        } else {
            if (console == null) {
                throw new CommandException("log in to " + host
                        + ": no password given (-p or --password-stdin) and no terminal to ask on");
            }
            char[] typed = console.readPassword("Password: ");
            password = typed == null ? "" : new String(typed);
        }
        if (password.isEmpty()) {
            throw new CommandException("log in to " + host + ": the password is empty");
        }
        try {
            registry.client(CredentialProvider.of(host, Credentials.of(username, password))).ping(host);
        } catch (RegistryException e) {
            throw new CommandException("log in to " + host + ": " + e.getMessage(), e);
        }
        DockerConfigFile config = DockerConfigFile.of(env);
        config.putAuth(host, username, password);
        out.println("Login Succeeded");
        out.flush();
        return 0;
    }

    private static String readStdin(Environment env) throws CommandException {
        try {
            String text = new String(env.stdin().readAllBytes(), StandardCharsets.UTF_8);
            while (text.endsWith("\n") || text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            return text;
        } catch (IOException e) {
            throw new CommandException("read password from standard input: " + e.getMessage(), e);
        }
    }
}
