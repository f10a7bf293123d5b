package io.jbuild.registry;

import java.util.List;
import java.util.Optional;

/** One page of {@code GET /v2/<name>/tags/list}; {@code next} is the {@code Link rel="next"} target when there is one. */
public record TagPage(List<String> tags, Optional<String> next) {
    public TagPage {
        tags = List.copyOf(tags);
        next = next == null ? Optional.empty() : next;
    }
}
