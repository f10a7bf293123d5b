package io.jbuild.dockerfile;

import java.util.Map;

/** Expands one word (variables, quotes), as BuildKit's {@code SingleWordExpander}. */
@FunctionalInterface
public interface WordExpander {
    String expand(String word) throws DockerfileException;

    /** An expander using {@code lexer} over {@code env}. */
    static WordExpander of(ShellLexer lexer, Map<String, String> env) {
        return word -> lexer.processWord(word, env).result();
    }
}
