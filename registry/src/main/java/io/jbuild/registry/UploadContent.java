package io.jbuild.registry;

import io.jbuild.layerstore.BlobSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.http.HttpRequest;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The bytes of a blob to upload: a file (repeatable, sliceable) or a {@link BlobSource} streamed through a pipe. */
abstract class UploadContent {
    abstract HttpRequest.BodyPublisher whole() throws IOException;

    abstract boolean isRepeatable();

    /** Whether {@link #slice} works (files); other content is sent in one PATCH. */
    boolean canSlice() {
        return false;
    }

    HttpRequest.BodyPublisher slice(long offset, long length) throws IOException {
        throw new UnsupportedOperationException("content cannot be sliced");
    }

    static UploadContent of(Path file) {
        return new UploadContent() {
            @Override
            HttpRequest.BodyPublisher whole() throws IOException {
                return HttpRequest.BodyPublishers.ofFile(file);
            }

            @Override
            boolean isRepeatable() {
                return true;
            }

            @Override
            boolean canSlice() {
                return true;
            }

            @Override
            HttpRequest.BodyPublisher slice(long offset, long length) {
                return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                        ch.position(offset);
                        InputStream in = Channels.newInputStream(ch);
                        return new java.io.FilterInputStream(in) {
                            long left = length;

                            @Override
                            public int read() throws IOException {
                                if (left <= 0) {
                                    return -1;
                                }
                                int b = super.read();
                                if (b >= 0) {
                                    left--;
                                }
                                return b;
                            }

                            @Override
                            public int read(byte[] b, int off, int len) throws IOException {
                                if (left <= 0) {
                                    return -1;
                                }
                                int n = super.read(b, off, (int) Math.min(len, left));
                                if (n > 0) {
                                    left -= n;
                                }
                                return n;
                            }
                        };
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }), length);
            }
        };
    }

    static UploadContent of(BlobSource source) {
        return new UploadContent() {
            @Override
            HttpRequest.BodyPublisher whole() {
                return HttpRequest.BodyPublishers.ofInputStream(() -> pipe(source));
            }

            @Override
            boolean isRepeatable() {
                return source.isRepeatable();
            }
        };
    }

    private static InputStream pipe(BlobSource source) {
        try {
            PipedInputStream in = new PipedInputStream(64 * 1024);
            PipedOutputStream out = new PipedOutputStream(in);
            Thread writer = new Thread(() -> {
                try (OutputStream o = out) {
                    source.writeTo(o);
                } catch (IOException e) {
                    // the reader sees the pipe closed early; the registry then rejects the digest
                }
            }, "blob-upload-writer");
            writer.setDaemon(true);
            writer.start();
            return in;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
