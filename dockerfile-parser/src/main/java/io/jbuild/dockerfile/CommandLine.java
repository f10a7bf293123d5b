package io.jbuild.dockerfile;

import java.util.List;

/**
 * The command of RUN, CMD or ENTRYPOINT.
 *
 * @param args the exec-form elements, or the single shell-form line
 * @param shellForm true when the line is to be run by the stage's SHELL (not JSON)
 */
public record CommandLine(List<String> args, boolean shellForm) {
    public CommandLine {
        args = List.copyOf(args);
    }
}
