package io.jbuild.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jbuild.layerstore.ImageReference;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /v2/<name>/tags/list?n=&last=}, one page at a time; the {@code Link} header names the next page. */
final class TagLister {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final RegistryTransport transport;

    TagLister(RegistryTransport transport) {
        this.transport = transport;
    }

    /** The first page ({@code n} ≤ 0: no limit; {@code last} null: from the start) or, with {@code pageUrl}, a Link target. */
    TagPage page(ImageReference repo, int n, String last, String pageUrl) throws RegistryException {
        String target = pageUrl;
        if (target == null) {
            StringBuilder q = new StringBuilder();
            if (n >= 0 && n != Integer.MAX_VALUE) {
                q.append("n=").append(n);
            }
            if (last != null) {
                q.append(q.length() == 0 ? "" : "&").append("last=").append(Blobs.encode(last));
            }
            target = "/v2/" + repo.repository() + "/tags/list" + (q.length() == 0 ? "" : "?" + q);
        }
        String object = "tags of " + repo.name();
        HttpResponse<InputStream> r = transport.send(new RegistryRequest("GET", repo.registry(), target,
                Scope.pull(repo.repository()), "list", object));
        if (r.statusCode() != 200) {
            throw ErrorResponses.toException("list", object, r);
        }
        List<String> tags = new ArrayList<>();
        try (InputStream in = r.body()) {
            JsonNode json = MAPPER.readTree(in.readNBytes(32 * 1024 * 1024));
            for (JsonNode t : json.path("tags")) {
                tags.add(t.asText());
            }
        } catch (IOException e) {
            throw new RegistryException("list " + object + ": read answer: " + e, e);
        }
        var next = Links.next(r.headers().allValues("Link")).map(l -> r.uri().resolve(l).toString());
        return new TagPage(tags, next);
    }

    /** All tags, following {@code Link} headers. */
    List<String> all(ImageReference repo) throws RegistryException {
        List<String> tags = new ArrayList<>();
        TagPage page = page(repo, -1, null, null);
        int pages = 1;
        while (true) {
            tags.addAll(page.tags());
            if (page.next().isEmpty() || pages > 10_000) {
                return tags;
            }
            page = page(repo, -1, null, page.next().get());
            pages++;
        }
    }
}
