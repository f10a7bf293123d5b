package io.jbuild.cli;

/** A command cannot do what it was asked; the message is the one line the user sees after {@code error: }. */
final class CommandException extends Exception {
    CommandException(String message) {
        super(message);
    }

    CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
