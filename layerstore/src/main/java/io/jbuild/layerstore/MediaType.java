package io.jbuild.layerstore;

import java.util.Set;
import java.util.regex.Pattern;

/** Media type constants of the OCI image spec and Docker image manifest v2 schema 2. */
public final class MediaType {
    private MediaType() {
    }

    public static final String OCI_DESCRIPTOR = "application/vnd.oci.descriptor.v1+json";
    public static final String OCI_LAYOUT_HEADER = "application/vnd.oci.layout.header.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_LAYER_NONDISTRIBUTABLE = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_LAYER_ZSTD = "application/vnd.docker.image.rootfs.diff.tar.zstd";
    public static final String DOCKER_FOREIGN_LAYER_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    private static final Pattern GRAMMAR = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

    private static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    private static final Set<String> GZIP_LAYERS = Set.of(OCI_LAYER_GZIP, OCI_LAYER_NONDISTRIBUTABLE_GZIP,
            DOCKER_LAYER_GZIP, DOCKER_FOREIGN_LAYER_GZIP);
    private static final Set<String> ZSTD_LAYERS = Set.of(OCI_LAYER_ZSTD, OCI_LAYER_NONDISTRIBUTABLE_ZSTD,
            DOCKER_LAYER_ZSTD);
    private static final Set<String> PLAIN_LAYERS = Set.of(OCI_LAYER, OCI_LAYER_NONDISTRIBUTABLE, DOCKER_LAYER);

    /** Whether {@code value} follows the RFC 6838 grammar the OCI schema enforces. */
    public static boolean isValid(String value) {
        return value != null && GRAMMAR.matcher(value).matches();
    }

    public static boolean isManifest(String mediaType) {
        return MANIFESTS.contains(mediaType);
    }

    public static boolean isIndex(String mediaType) {
        return INDEXES.contains(mediaType);
    }

    public static boolean isLayer(String mediaType) {
        return GZIP_LAYERS.contains(mediaType) || ZSTD_LAYERS.contains(mediaType) || PLAIN_LAYERS.contains(mediaType);
    }

    public static boolean isGzipLayer(String mediaType) {
        return GZIP_LAYERS.contains(mediaType);
    }

    public static boolean isZstdLayer(String mediaType) {
        return ZSTD_LAYERS.contains(mediaType);
    }

    /** Throws {@link IllegalArgumentException} naming {@code field} when the value is not a media type. */
    static String require(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (!isValid(value)) {
            throw new IllegalArgumentException(field + " \"" + value + "\" is not a valid media type");
        }
        return value;
    }

    static String optional(String field, String value) {
        return value == null ? null : require(field, value);
    }
}
