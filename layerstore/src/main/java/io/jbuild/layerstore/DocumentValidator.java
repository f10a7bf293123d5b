package io.jbuild.layerstore;

/**
 * Checks a JSON document against the OCI image spec for its media type: the records' own rules
 * plus the schema rules they do not enforce (a manifest has at least one layer). Docker schema 2
 * media types are accepted as their OCI equivalents.
 */
public final class DocumentValidator {
    private DocumentValidator() {
    }

    /** Validates {@code bytes} as a document of {@code mediaType}; returns the parsed value. */
    public static Object validate(String mediaType, byte[] bytes) throws InvalidDocumentException {
        switch (mediaType) {
            case MediaType.OCI_DESCRIPTOR:
                return Json.read(bytes, Descriptor.class);
            case MediaType.OCI_MANIFEST:
            case MediaType.DOCKER_MANIFEST:
                Manifest manifest = Json.read(bytes, Manifest.class);
                if (manifest.layers().isEmpty()) {
                    throw new InvalidDocumentException("validate manifest: layers must have at least one item");
                }
                return manifest;
            case MediaType.OCI_INDEX:
            case MediaType.DOCKER_MANIFEST_LIST:
                return Json.read(bytes, ImageIndex.class);
            case MediaType.OCI_CONFIG:
            case MediaType.DOCKER_CONFIG:
                return Json.read(bytes, ImageConfig.class);
            case MediaType.OCI_LAYOUT_HEADER:
                return Json.read(bytes, OciLayoutHeader.class);
            default:
                throw new InvalidDocumentException("validate document: unsupported media type " + mediaType);
        }
    }
}
