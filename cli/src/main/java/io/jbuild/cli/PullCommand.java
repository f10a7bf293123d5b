package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.ImageReference;
import io.jbuild.layerstore.Platform;
import io.jbuild.registry.Puller;
import io.jbuild.registry.TransferListener;
import io.jbuild.registry.TransferResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jbuild pull REF}: an image from a registry into the store, tagged with the normalised reference. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Pull an image from a registry into the store (tagged with the full reference).")
final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Mixin
    RegistryOptions registry;

    @Parameters(paramLabel = "NAME[:TAG|@DIGEST]", description = "The image to pull (docker.io/library/ is implied "
            + "for short names, :latest when neither tag nor digest is given).")
    String reference;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "The platform to pull from a multi-platform image (default: this machine's).")
    String platform;

    @Option(names = {"-q", "--quiet"}, description = "Print only the image reference.")
    boolean quiet;

    @Option(names = "--verify-policy", paramLabel = "FILE",
            description = "JSON list of {\"registry/repository glob\": [public key files]}; a matching image "
                    + "must carry a cosign signature verified by one of its keys.")
    java.nio.file.Path verifyPolicy;

    @Override
    public Integer call() throws Exception {
        Environment env = main.environment();
        PrintWriter out = spec.commandLine().getOut();
        ImageReference ref = ImageReference.parse(reference);
        Platform wanted = platform == null ? null : Platform.parse(platform);
        BlobStore blobs = store.open(env);
        TransferListener listener = quiet ? TransferListener.NONE
                : new TransferProgress(out, env.terminal(), TransferProgress.Direction.PULL, null);
        if (!quiet) {
            out.println((ref.digest() != null ? ref.digest().toString() : ref.tag()) + ": Pulling from "
                    + ref.repository());
            out.flush();
        }
        String tag = ref.toString();
        var before = blobs.resolve(tag);
        var client = registry.client(env);
        ImageReference source = verifyPolicy == null ? ref : PullVerification.verify(env, client, blobs,
                VerifyPolicy.read(verifyPolicy), ref);
        TransferResult result = new Puller(client, blobs, RegistryOptions.PARALLELISM, listener).pull(source, wanted, tag);
        if (!quiet) {
            out.println("Digest: " + result.descriptor().digest());
            boolean same = before.isPresent() && before.get().digest().equals(result.descriptor().digest());
            out.println("Status: " + (same ? "Image is up to date for " : "Downloaded newer image for ") + ref);
        }
        out.println(ref);
        out.flush();
        return 0;
    }
}
