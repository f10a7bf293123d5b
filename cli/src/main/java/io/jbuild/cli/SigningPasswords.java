package io.jbuild.cli;

import java.io.Console;

/** The key password: {@code COSIGN_PASSWORD} or {@code JBUILD_PASSWORD}, else a prompt on the console. */
final class SigningPasswords {
    private SigningPasswords() {
    }

    static char[] read(Environment env, String action, boolean confirm) throws CommandException {
        String value = env.get("COSIGN_PASSWORD");
        if (value == null) {
            value = env.get("JBUILD_PASSWORD");
        }
        if (value != null) {
            return value.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new CommandException(action + ": no password (set COSIGN_PASSWORD or run on a terminal)");
        }
        char[] password = console.readPassword("Enter password for private key: ");
        if (confirm) {
            char[] again = console.readPassword("Enter password for private key again: ");
            if (!java.util.Arrays.equals(password, again)) {
                throw new CommandException(action + ": passwords do not match");
            }
        }
        return password;
    }
}
