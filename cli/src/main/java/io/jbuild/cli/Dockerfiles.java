package io.jbuild.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the Dockerfile a command names, with messages that say which file and what is wrong. */
final class Dockerfiles {
    private Dockerfiles() {
    }

    /** The bytes of {@code file}; errors read {@code read Dockerfile FILE: no such file} and the like. */
    static byte[] read(String file) throws IOException {
        Path path = Path.of(file);
        String what = "read Dockerfile " + file + ": ";
        if (Files.isDirectory(path)) {
            throw new IOException(what + "is a directory, not a file");
        }
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IOException(what + "no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(what + "permission denied", e);
        } catch (IOException e) {
            throw new IOException(what + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
    }
}
