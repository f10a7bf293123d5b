package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.registry.Puller;
import io.jbuild.registry.Pusher;
import io.jbuild.registry.TransferListener;
import io.jbuild.registry.TransferResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jbuild push REF}: the store's image tagged {@code REF} (normalised, or as typed) to the
 * registry; with {@code --all-tags} every store tag of that repository.
 */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Push an image (or every tag of a repository) from the store to a registry.")
final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Mixin
    RegistryOptions registry;

    @Parameters(paramLabel = "NAME[:TAG]", description = "The image to push, as tagged in the store "
            + "(docker.io/library/ is implied for short names, :latest when no tag is given).")
    String reference;

    @Option(names = {"-a", "--all-tags"}, description = "Push every tag the store has of the repository NAME.")
    boolean allTags;

    @Option(names = {"-q", "--quiet"}, description = "Print only the pushed references.")
    boolean quiet;

    @Option(names = "--sign", description = "Sign each pushed image with the cosign key --key.")
    boolean sign;

    @Option(names = "--key", paramLabel = "KEY", description = "The private key file for --sign.")
    java.nio.file.Path key;

    private record Job(String storeTag, ImageReference target) {
    }

    @Override
    public Integer call() throws Exception {
        Environment env = main.environment();
        PrintWriter out = spec.commandLine().getOut();
        ImageReference ref = ImageReference.parse(reference);
        BlobStore blobs = store.open(env);
        List<Job> jobs = new ArrayList<>();
        if (allTags) {
            String lastPart = reference.substring(reference.lastIndexOf('/') + 1);
            if (lastPart.contains(":") || reference.contains("@")) {
                throw new CommandException("push " + reference + ": a tag or digest cannot be combined with --all-tags");
            }
            String prefix = ref.name() + ":";
            for (Descriptor d : blobs.list()) {
                String name = d.annotations().get(BlobStore.REF_NAME);
                if (name != null && name.startsWith(prefix) && !name.contains("@")) {
                    jobs.add(new Job(name, ref.withTag(name.substring(prefix.length()))));
                }
            }
            if (jobs.isEmpty()) {
                throw new CommandException("push " + ref.name() + ": the store has no tags of this repository");
            }
        } else {
            String tag = ref.toString();
            if (blobs.resolve(tag).isEmpty() && blobs.resolve(reference).isPresent()) {
                tag = reference;
            }
            if (blobs.resolve(tag).isEmpty()) {
                throw new CommandException("push " + ref + ": no such image in the store " + blobs.root());
            }
            jobs.add(new Job(tag, ref));
        }
        if (!quiet) {
            out.println("The push refers to repository [" + ref.name() + "]");
            out.flush();
        }
        if (sign && key == null) {
            throw new CommandException("push " + ref + ": --sign needs --key");
        }
        var client = registry.client(env);
        for (Job job : jobs) {
            Descriptor root = blobs.resolve(job.storeTag()).orElseThrow();
            String source = root.annotations().get(Puller.SOURCE_ANNOTATION);
            String mountFrom = source != null && source.startsWith(job.target().registry() + "/")
                    ? source.substring(job.target().registry().length() + 1) : null;
            TransferListener listener = quiet ? TransferListener.NONE
                    : new TransferProgress(out, env.terminal(), TransferProgress.Direction.PUSH, mountFrom);
            TransferResult result = new Pusher(client, blobs, RegistryOptions.PARALLELISM, listener).push(job.storeTag(), job.target());
            if (quiet) {
                out.println(job.target());
            } else {
                out.println(job.target().tag() + ": digest: " + result.descriptor().digest() + " size: "
                        + result.descriptor().size());
            }
            if (sign) {
                out.println("Signed: " + job.target().name() + ":" + SignCommand.sign(env, client, store, key,
                        job.target(), java.util.Map.of()).tag());
            }
            out.flush();
        }
        return 0;
    }
}
