package io.jbuild.registry;

import io.jbuild.layerstore.Descriptor;

/** What a pull or push did: the root descriptor and how many blobs were transferred, skipped (already there) or mounted. */
public record TransferResult(Descriptor descriptor, int transferred, int skipped, int mounted) {
    public TransferResult {
        if (descriptor == null) {
            throw new IllegalArgumentException("transfer result needs a descriptor");
        }
    }
}
