package io.jbuild.builder;

import java.util.List;
import java.util.Set;

/**
 * How a build uses the step cache besides {@code --no-cache}.
 *
 * @param noCacheFilter {@code --no-cache-filter}: stages (by name or index) whose steps all run again
 * @param cacheFrom {@code --cache-from}: caches to import (registry or OCI layout)
 * @param cacheTo {@code --cache-to}: where to export this build's step results
 * @param explain {@code --explain-cache}: evaluate every step's cache key and say whether it would
 *        hit or why it would miss, without running a step or writing an image
 */
public record CacheOptions(Set<String> noCacheFilter, List<CacheSpec> cacheFrom, List<CacheSpec> cacheTo,
                           boolean explain) {
    public static final CacheOptions DEFAULT = new CacheOptions(Set.of(), List.of(), List.of(), false);

    public CacheOptions {
        noCacheFilter = Set.copyOf(noCacheFilter);
        cacheFrom = List.copyOf(cacheFrom);
        cacheTo = List.copyOf(cacheTo);
    }
}
