package io.jbuild.builder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * ADD of an http(s) URL as BuildKit's http source and the Dockerfile frontend do: the body is
 * saved as a file named after the URL path's last element ({@code __unnamed__} when there is
 * none), mode 0600, owned by root, with the {@code Last-Modified} time as mtime, verified
 * against {@code --checksum}, and copied to the destination like a local file; it is unpacked
 * only with {@code --unpack}.
 */
final class UrlFetcher {
    private final HttpClient http;

    UrlFetcher(HttpClient http) {
        this.http = http;
    }

    void fetch(CopyRequest request, String url, FileCopier.Destination dest, Path target)
            throws BuildException, InterruptedException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new BuildException("add " + url + ": invalid URL: " + e.getMessage(), e);
        }
        String name = fileName(uri);
        Expected expected = request.checksum() == null ? null : Expected.parse(url, request.checksum());
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("jbuild-add");
            Path file = tmp.resolve(name);
            HttpRequest get = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMinutes(10)).build();
            HttpResponse<InputStream> response = http.send(get, HttpResponse.BodyHandlers.ofInputStream());
            String actual;
            try (InputStream body = response.body()) {
                if (response.statusCode() < 200 || response.statusCode() >= 300) {
                    throw new BuildException("add " + url + ": invalid response status " + response.statusCode());
                }
                MessageDigest digest = MessageDigest.getInstance(expected == null ? "SHA-256" : expected.javaName);
                try (OutputStream out = Files.newOutputStream(file)) {
                    byte[] buf = new byte[65536];
                    int n;
                    while ((n = body.read(buf)) > 0) {
                        digest.update(buf, 0, n);
                        out.write(buf, 0, n);
                    }
                }
                actual = HexFormat.of().formatHex(digest.digest());
            }
            if (expected != null && !expected.hex.equals(actual)) {
                throw new BuildException("add " + url + ": checksum mismatch: expected " + expected.algorithm + ":"
                        + expected.hex + ", got " + expected.algorithm + ":" + actual);
            }
            PosixFiles.chmod(file, 0600);
            long mtime = lastModified(response).orElse(System.currentTimeMillis() * 1_000_000L);
            PosixFiles.setTimes(file, mtime, mtime);
            if (Boolean.TRUE.equals(request.unpack()) && Archives.isArchive(file)) {
                Archives.unpack(file, request, dest, target);
                return;
            }
            Path destPath = FileCopier.prepareDestination(request, dest, target);
            new TreeCopier(tmp, null, null, null, request.uid(), request.gid(), true, request.chmod())
                    .copy(file, name, destPath, false);
        } catch (IOException e) {
            throw new BuildException("add " + url + " to " + dest + ": " + FileCopier.strip(e.getMessage(), target,
                    target), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            StepMount.deleteQuietly(tmp);
        }
    }

    /** The URL path's last element, {@code __unnamed__} when it has none. */
    static String fileName(URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty()) {
            return "__unnamed__";
        }
        String base = FileCopier.baseName(RootPaths.cleanAbsolute(path));
        return base.isEmpty() || base.equals(".") ? "__unnamed__" : base;
    }

    private static Optional<Long> lastModified(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Last-Modified");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        try {
            ZonedDateTime t = ZonedDateTime.parse(header.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
            return Optional.of(t.toEpochSecond() * 1_000_000_000L);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A parsed {@code --checksum}: {@code sha256:}, {@code sha384:} or {@code sha512:} and lower-case hex. */
    private record Expected(String algorithm, String javaName, String hex) {
        static Expected parse(String url, String checksum) throws BuildException {
            int colon = checksum.indexOf(':');
            String algorithm = colon < 0 ? "" : checksum.substring(0, colon);
            String hex = colon < 0 ? "" : checksum.substring(colon + 1);
            int length;
            String javaName;
            switch (algorithm) {
                case "sha256" -> { javaName = "SHA-256"; length = 64; }
                case "sha384" -> { javaName = "SHA-384"; length = 96; }
                case "sha512" -> { javaName = "SHA-512"; length = 128; }
                default -> throw new BuildException("add " + url + ": invalid checksum " + FileCopier.quote(checksum)
                        + ": unsupported digest algorithm");
            }
            if (hex.length() != length || !hex.matches("[0-9a-f]+")) {
                throw new BuildException("add " + url + ": invalid checksum " + FileCopier.quote(checksum)
                        + ": invalid checksum digest format");
            }
            return new Expected(algorithm, javaName, hex.toLowerCase(Locale.ROOT));
        }
    }
}
