package io.jbuild.builder;

/**
 * What pruning the step cache did.
 *
 * @param removed step cache entries removed
 * @param kept entries left
 * @param layerBytes the size of the layer blobs that no remaining entry holds (the store's garbage
 *        collection deletes those no image uses either)
 */
public record CachePruneResult(int removed, int kept, long layerBytes) {
}
