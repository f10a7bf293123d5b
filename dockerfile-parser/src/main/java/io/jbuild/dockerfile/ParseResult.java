package io.jbuild.dockerfile;

import java.util.List;
import java.util.Map;

/**
 * The output of {@link DockerfileParser#parse}: the instructions in file order, the warnings,
 * and the parser directives that were read.
 *
 * @param file the name used in messages (e.g. {@code Dockerfile})
 * @param nodes the instructions
 * @param warnings non-fatal findings
 * @param directives parser directives by lower-case name ({@code syntax}, {@code escape}, {@code check})
 * @param escape the escape character in force ({@code \} or {@code `})
 */
public record ParseResult(String file, List<Node> nodes, List<ParseWarning> warnings,
                          Map<String, String> directives, char escape) {
    public ParseResult {
        nodes = List.copyOf(nodes);
        warnings = List.copyOf(warnings);
        directives = Map.copyOf(directives);
    }

    /** The first line of the first instruction (BuildKit's root start line). */
    public int startLine() {
        return nodes.isEmpty() ? 0 : nodes.get(0).startLine();
    }

    /** The last line of the last instruction (BuildKit's root end line). */
    public int endLine() {
        return nodes.isEmpty() ? 0 : nodes.get(nodes.size() - 1).endLine();
    }

    /** BuildKit's AST dump of the whole file. */
    public String dump() {
        return Node.dump(nodes);
    }
}
