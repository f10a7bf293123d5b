package io.jbuild.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.ImageReference;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A pull verification policy: a JSON list of objects mapping a {@code registry/repository} glob
 * ({@code *} within one path segment, {@code **} across) to the public key files any of which must
 * verify a signature of a matching image. Relative key paths resolve against the policy file.
 */
record VerifyPolicy(List<Rule> rules) {
    record Rule(String glob, PathMatcher matcher, List<Path> keys) {
    }

    static VerifyPolicy read(Path file) throws CommandException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new CommandException("read verify policy " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new CommandException("read verify policy " + file + ": expected a JSON list of objects");
        }
        List<Rule> rules = new ArrayList<>();
        Path base = file.toAbsolutePath().getParent();
        for (JsonNode entry : root) {
            if (!entry.isObject()) {
                throw new CommandException("read verify policy " + file + ": expected a JSON list of objects");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                List<Path> keys = new ArrayList<>();
                JsonNode value = field.getValue();
                for (JsonNode k : value.isArray() ? value : List.of(value)) {
                    if (!k.isTextual()) {
                        throw new CommandException("read verify policy " + file + ": keys of " + field.getKey()
                                + " must be file paths");
                    }
                    keys.add(base.resolve(k.asText()));
                }
                rules.add(new Rule(field.getKey(),
                        FileSystems.getDefault().getPathMatcher("glob:" + field.getKey()), List.copyOf(keys)));
            }
        }
        return new VerifyPolicy(List.copyOf(rules));
    }

    /** The keys of every rule matching the image's {@code registry/repository}. */
    List<Path> keysFor(ImageReference ref) {
        Path name = Path.of(ref.registry() + "/" + ref.repository());
        List<Path> keys = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule.matcher().matches(name)) {
                keys.addAll(rule.keys());
            }
        }
        return keys;
    }
}
