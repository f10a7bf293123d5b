package io.jbuild.layerstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Content that can be written into the store (or pushed). A repeatable source can be written
 * again after a failure; retries must check {@link #isRepeatable()}.
 */
public interface BlobSource {
    /** Writes the content and returns its descriptor (sha256). */
    Descriptor writeTo(OutputStream out) throws IOException;

    boolean isRepeatable();

    String mediaType();

    static BlobSource of(String mediaType, byte[] bytes) {
        byte[] copy = bytes.clone();
        return new BlobSource() {
            @Override
            public Descriptor writeTo(OutputStream out) throws IOException {
                out.write(copy);
                return Descriptor.of(mediaType, copy);
            }

            @Override
            public boolean isRepeatable() {
                return true;
            }

            @Override
            public String mediaType() {
                return mediaType;
            }
        };
    }

    static BlobSource of(String mediaType, Path file) {
        return new BlobSource() {
            @Override
            public Descriptor writeTo(OutputStream out) throws IOException {
                try (InputStream in = Files.newInputStream(file)) {
                    DigestingOutputStream d = new DigestingOutputStream(out, Digest.SHA256);
                    in.transferTo(d);
                    d.flush();
                    return Descriptor.of(mediaType, d.digest(), d.count());
                }
            }

            @Override
            public boolean isRepeatable() {
                return true;
            }

            @Override
            public String mediaType() {
                return mediaType;
            }
        };
    }
}
