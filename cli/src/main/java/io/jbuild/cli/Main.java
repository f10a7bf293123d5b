package io.jbuild.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jbuild} command. */
@Command(name = "jbuild", mixinStandardHelpOptions = true, version = "jbuild 0.1.0-SNAPSHOT",
        description = "Daemonless container image builder.")
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
