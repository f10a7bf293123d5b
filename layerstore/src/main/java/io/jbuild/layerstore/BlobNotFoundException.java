package io.jbuild.layerstore;

/** The store holds no blob with the requested digest. */
public final class BlobNotFoundException extends StoreException {
    private final Digest digest;

    public BlobNotFoundException(Digest digest) {
        super("open blob " + digest + ": not found in the store");
        this.digest = digest;
    }

    public Digest digest() {
        return digest;
    }
}
