package io.jbuild.builder;

import io.jbuild.dockerfile.DockerfileException;
import io.jbuild.dockerfile.DockerfileParser;
import io.jbuild.dockerfile.Instruction;
import io.jbuild.dockerfile.InstructionParser;
import io.jbuild.dockerfile.Location;
import io.jbuild.dockerfile.Node;
import io.jbuild.dockerfile.ParseResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A base image's {@code OnBuild} triggers as instructions, run first in a stage built FROM it
 * (BuildKit's {@code initOnBuildTriggers}): each trigger text is parsed as a one-instruction
 * Dockerfile and its location set to the stage's FROM line.
 */
final class OnBuildTriggers {
    private OnBuildTriggers() {
    }

    /**
     * Parses the base image's OnBuild trigger strings into instructions, in order.
     *
     * @param triggers the base image config's {@code OnBuild} entries (e.g. {@code RUN make}, heredoc
     *     bodies included)
     * @param from the FROM instruction's location: errors name it, and the instructions carry it
     * @param escape the child Dockerfile's escape character; unused, because BuildKit parses each
     *     trigger as a Dockerfile of its own, with the default escape {@code \}
     * @throws BuildException naming the trigger and placed at {@code from} when a trigger does not
     *     parse, is not exactly one instruction, or is {@code ONBUILD}, {@code FROM} or
     *     {@code MAINTAINER} (which Docker forbids as triggers)
     */
    static List<Instruction> parse(List<String> triggers, Location from, char escape) throws BuildException {
        List<Instruction> out = new ArrayList<>(triggers.size());
        for (String trigger : triggers) {
            out.add(parseOne(trigger, from));
        }
        return List.copyOf(out);
    }

    private static Instruction parseOne(String trigger, Location from) throws BuildException {
        try {
            ParseResult result = DockerfileParser.parse(from.file(), trigger.getBytes(StandardCharsets.UTF_8));
            if (result.nodes().size() != 1) {
                throw failure(trigger, from, "onbuild trigger should be a single expression", null);
            }
            Node node = result.nodes().get(0);
            String keyword = node.keyword().toUpperCase(Locale.ROOT);
            switch (keyword) {
                case "ONBUILD" -> throw failure(trigger, from,
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", null);
                case "FROM", "MAINTAINER" -> throw failure(trigger, from,
                        keyword + " isn't allowed as an ONBUILD trigger", null);
                default -> {
                }
            }
            Node relocated = new Node(node.keyword(), node.flags(), node.args(), node.nested(), node.heredocs(),
                    node.jsonForm(), node.original(), from.startLine(), from.endLine(), from.column());
            return InstructionParser.parse(from.file(), relocated);
        } catch (DockerfileException e) {
            throw failure(trigger, from, e.reason(), e);
        }
    }

    private static BuildException failure(String trigger, Location from, String reason, Throwable cause) {
        return new BuildException("parse ONBUILD trigger " + GoFormats.quote(trigger) + " of the base image: "
                + reason, cause).at(from);
    }
}
