package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code jbuild tag SOURCE TARGET}: another name for an image of the store. */
@Command(name = "tag", mixinStandardHelpOptions = true,
        description = "Create a tag TARGET that refers to the image SOURCE (names are normalised as by pull).")
final class TagCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "Name, ID or digest of the image.")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET", description = "NAME[:TAG]; docker.io/library/ and :latest are implied.")
    String target;

    @Override
    public Integer call() throws Exception {
        BlobStore blobs = store.open(main.environment());
        String name = StoreImages.newTagName(target);
        Descriptor d = StoreImages.resolve(blobs, source);
        Map<String, String> annotations = new HashMap<>(d.annotations());
        annotations.remove(BlobStore.REF_NAME);
        blobs.tag(name, d.withAnnotations(annotations));
        return 0;
    }
}
