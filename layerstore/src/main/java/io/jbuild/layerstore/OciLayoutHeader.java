package io.jbuild.layerstore;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code oci-layout} file at the root of an OCI image layout. */
public record OciLayoutHeader(@JsonProperty(value = "imageLayoutVersion", required = true) String imageLayoutVersion) {
    public static final OciLayoutHeader CURRENT = new OciLayoutHeader("1.0.0");

    public OciLayoutHeader {
        if (imageLayoutVersion == null || imageLayoutVersion.isEmpty()) {
            throw new IllegalArgumentException("imageLayoutVersion is missing");
        }
    }
}
