package io.jbuild.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.StoreException;
import io.jbuild.layerstore.StoredImages;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild images}: the store's tags as {@code docker images} lists them. */
@Command(name = "images", mixinStandardHelpOptions = true,
        description = "List the images in the store: REPOSITORY TAG IMAGE ID CREATED SIZE (compressed layers).")
final class ImagesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Option(names = "--digests", description = "Show the manifest (or index) digests.")
    boolean digests;

    @Option(names = {"-q", "--quiet"}, description = "Only show image IDs.")
    boolean quiet;

    @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "REPOSITORY[:TAG]",
            description = "Only images of this repository (short or full name), and tag if given.")
    String filter;

    @Option(names = "--format", paramLabel = "json",
            description = "json: one JSON object per image with full values (ID, Digest, CreatedAt, Size in bytes).")
    String format;

    /** One listed tag. */
    record Row(String repository, String tag, Descriptor descriptor, String id, String created, Long size) {
    }

    @Override
    public Integer call() throws Exception {
        if (format != null && !format.equals("json")) {
            throw new CommandException("images --format " + format + ": only json is supported");
        }
        PrintWriter out = spec.commandLine().getOut();
        BlobStore blobs = store.open(main.environment());
        List<Row> rows = rows(blobs);
        if (filter != null) {
            rows = rows.stream().filter(this::matches).toList();
        }
        Instant now = Instant.now();
        if (quiet) {
            Set<String> ids = new LinkedHashSet<>();
            for (Row r : rows) {
                ids.add(shortId(r.id()));
            }
            ids.forEach(out::println);
        } else if (format != null) {
            for (Row r : rows) {
                ObjectNode o = DockerJson.MAPPER.createObjectNode();
                o.put("Repository", r.repository());
                o.put("Tag", r.tag() == null ? "<none>" : r.tag());
                o.put("Digest", r.descriptor().digest().toString());
                o.put("ID", r.id());
                o.put("CreatedAt", r.created());
                o.put("CreatedSince", Units.since(r.created(), now));
                if (r.size() == null) {
                    o.putNull("Size");
                } else {
                    o.put("Size", r.size());
                }
                out.println(DockerJson.compact(o));
            }
        } else {
            List<List<String>> table = new ArrayList<>();
            table.add(digests ? List.of("REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE")
                    : List.of("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"));
            for (Row r : rows) {
                List<String> cells = new ArrayList<>();
                cells.add(r.repository());
                cells.add(r.tag() == null ? "<none>" : r.tag());
                if (digests) {
                    cells.add(r.descriptor().digest().toString());
                }
                cells.add(shortId(r.id()));
                cells.add(Units.since(r.created(), now));
                cells.add(r.size() == null ? "N/A" : Units.size(r.size()));
                table.add(cells);
            }
            printTable(out, table);
        }
        out.flush();
        return 0;
    }

    /** Docker's filter: the repository as written or normalised, and the tag when given. */
    private boolean matches(Row r) {
        String repository = filter;
        String tag = null;
        int colon = filter.lastIndexOf(':');
        if (colon > filter.lastIndexOf('/')) {
            repository = filter.substring(0, colon);
            tag = filter.substring(colon + 1);
        }
        StoreImages.Name wanted = StoreImages.Name.of(repository + ":" + ImageReference.DEFAULT_TAG);
        return (r.repository().equals(repository) || r.repository().equals(wanted.repository()))
                && (tag == null || tag.equals(r.tag()));
    }

    static List<Row> rows(BlobStore blobs) throws StoreException {
        List<Row> rows = new ArrayList<>();
        for (Descriptor d : blobs.list()) {
            String tag = d.annotations().get(BlobStore.REF_NAME);
            if (tag == null) {
                continue;
            }
            StoreImages.Name name = StoreImages.Name.of(tag);
            String id = d.digest().toString();
            String created = null;
            Long size = null;
            try {
                StoredImages.Image image = StoredImages.load(blobs, tag, d, null);
                id = image.manifest().config().digest().toString();
                created = image.config().value().created();
                size = image.manifest().layers().stream().mapToLong(Descriptor::size).sum();
            } catch (StoreException e) {
                // not an image for this platform (or damaged): listed by its own digest
            }
            rows.add(new Row(name.repository(), name.tag(), d, id, created, size));
        }
        Comparator<Row> byCreated = Comparator.comparing((Row r) -> Units.instant(r.created()),
                Comparator.nullsLast(Comparator.reverseOrder()));
        rows.sort(byCreated.thenComparing(Row::repository).thenComparing(r -> r.tag() == null ? "" : r.tag()));
        return rows;
    }

    static String shortId(String digest) {
        int colon = digest.indexOf(':');
        String hex = digest.substring(colon + 1);
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    /** Columns padded as Docker's tabwriter does: at least 10 wide, 3 spaces apart; the last unpadded. */
    static void printTable(PrintWriter out, List<List<String>> table) {
        int columns = table.get(0).size();
        int[] width = new int[columns];
        for (List<String> row : table) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row.get(i).length() + 3);
            }
        }
        for (List<String> row : table) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < columns - 1) {
                    line.append(" ".repeat(Math.max(10, width[i]) - cell.length()));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
