package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.StoreException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jbuild rmi REF...}: removes tags. A name removes that tag; an ID or digest removes the
 * image's tags, and refuses when there are several unless {@code -f}. The blobs stay until
 * {@code jbuild prune}.
 */
@Command(name = "rmi", mixinStandardHelpOptions = true,
        description = "Remove image tags (by name, or all tags of an ID or digest); the blobs stay until prune.")
final class RmiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Option(names = {"-f", "--force"}, description = "Remove every tag of an image given by ID or digest.")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Names, IDs or digests.")
    List<String> refs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BlobStore blobs = store.open(main.environment());
        int exit = 0;
        for (String ref : refs) {
            try {
                remove(blobs, ref, out);
            } catch (CommandException e) {
                err.println("error: " + e.getMessage());
                exit = 1;
            }
        }
        out.flush();
        err.flush();
        return exit;
    }

    private void remove(BlobStore blobs, String ref, PrintWriter out) throws StoreException, CommandException {
        Optional<String> tag = StoreImages.tagName(blobs, ref);
        if (tag.isPresent()) {
            untag(blobs, tag.get(), out);
            return;
        }
        Descriptor d = StoreImages.resolve(blobs, ref);
        List<String> tags = StoreImages.tagsOf(blobs, d);
        if (tags.isEmpty()) {
            throw new CommandException("remove image " + ref + ": no tag refers to " + d.digest()
                    + " (its blobs go with jbuild prune)");
        }
        if (tags.size() > 1 && !force) {
            throw new CommandException("remove image " + ref + ": it is tagged " + String.join(", ", tags)
                    + "; remove the tags by name, or use -f to remove them all");
        }
        for (String t : tags) {
            untag(blobs, t, out);
        }
    }

    private static void untag(BlobStore blobs, String tag, PrintWriter out) throws StoreException {
        if (blobs.untag(tag)) {
            out.println("Untagged: " + StoreImages.Name.of(tag).familiar()
                    + (StoreImages.Name.of(tag).digest() == null ? "" : "@" + StoreImages.Name.of(tag).digest()));
        }
    }
}
