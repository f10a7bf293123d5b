package io.jbuild.registry;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;

/** A manifest or index as the registry served it: media type, verified digest, exact bytes. */
public record RemoteManifest(String mediaType, Digest digest, byte[] bytes) {
    public RemoteManifest {
        if (mediaType == null || digest == null || bytes == null) {
            throw new IllegalArgumentException("remote manifest needs media type, digest and bytes");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public Descriptor descriptor() {
        return Descriptor.of(mediaType, digest, bytes.length);
    }
}
