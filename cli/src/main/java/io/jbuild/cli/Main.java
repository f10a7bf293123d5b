package io.jbuild.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code jbuild} command. {@code jbuild -f Dockerfile .} means {@code jbuild build -f Dockerfile .},
 * as the first word that is not a subcommand starts a build.
 */
@Command(name = "jbuild", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Daemonless container image builder.",
        subcommands = {BuildCommand.class, PullCommand.class, PushCommand.class, LoginCommand.class,
                LogoutCommand.class, DebugCommand.class, GenerateKeyPairCommand.class, SignCommand.class,
                VerifyCommand.class, LoadCommand.class, SaveCommand.class, FsckCommand.class,
                ImagesCommand.class, TagCommand.class, RmiCommand.class, InspectCommand.class, UnpackCommand.class,
                MountCommand.class, UmountCommand.class, DiffCommand.class, PruneCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    private final Environment environment;

    Main(Environment environment) {
        this.environment = environment;
    }

    /** The variables, home directory and standard input the commands use. */
    Environment environment() {
        return environment;
    }

    public static void main(String[] args) {
        // UTF-8 whatever the locale, so that inspect --format manifest prints the stored bytes
        System.exit(run(args, new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, Environment.system());
    }

    /** Runs the command line in {@code env} instead of the process's environment (tests). */
    static int run(String[] args, PrintWriter out, PrintWriter err, Environment env) {
        CommandLine cl = commandLine(out, err, env);
        return cl.execute(withDefaultSubcommand(cl, args));
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, Environment.system());
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, Environment env) {
        CommandLine cl = new CommandLine(new Main(env));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorPrinter());
        return cl;
    }

    /** {@code jbuild -f X .} and {@code jbuild .} run {@code build}, as the first word is no subcommand. */
    static String[] withDefaultSubcommand(CommandLine cl, String[] args) {
        Set<String> subcommands = cl.getSubcommands().keySet();
        for (String a : args) {
            if (a.equals("--debug")) {
                continue;
            }
            if (subcommands.contains(a) || a.equals("-h") || a.equals("--help") || a.equals("-V")
                    || a.equals("--version")) {
                return args;
            }
            break;
        }
        if (args.length == 0) {
            return args;
        }
        String[] withBuild = new String[args.length + 1];
        withBuild[0] = "build";
        System.arraycopy(args, 0, withBuild, 1, args.length);
        return withBuild;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Prints an error as one line ({@code jbuild: <message>}), with the stack trace under --debug. */
    static final class ErrorPrinter implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
            PrintWriter err = cl.getErr();
            boolean debug = parsed != null && Arrays.asList(parsed.originalArgs().toArray(new String[0]))
                    .contains("--debug");
            String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            if (ex instanceof io.jbuild.builder.BuildException && message.indexOf('\n') > 0) {
                // a failed step: the message line, then the last lines of its output
                String[] lines = message.split("\n");
                err.println("error: " + lines[0]);
                for (int i = 1; i < lines.length; i++) {
                    err.println("  " + lines[i]);
                }
            } else {
                err.println("error: " + message.replace('\n', ' '));
            }
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jbuild " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
