package io.jbuild.dockerfile;

import java.util.Objects;

/**
 * A COPY/ADD source given inline as a heredoc.
 *
 * @param path the file name (the heredoc's delimiter word)
 * @param data the content ({@code <<-} tabs already removed)
 * @param expand whether variables in {@code data} are to be expanded (delimiter unquoted)
 */
public record SourceContent(String path, String data, boolean expand) {
    public SourceContent {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(data, "data");
    }
}
