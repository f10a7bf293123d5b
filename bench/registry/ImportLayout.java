import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.ImageIndex;
import io.jbuild.layerstore.Json;
import io.jbuild.layerstore.Manifest;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the single-manifest image of an OCI layout into a jbuild store and tags it with each of
 * the given names (the store's load command does not exist yet). Blobs the store has are skipped.
 * Usage: java -cp cli/target/jbuild.jar bench/registry/ImportLayout.java LAYOUT STORE TAG...
 */
public class ImportLayout {
    public static void main(String[] args) throws Exception {
        Path layout = Path.of(args[0]);
        BlobStore store = BlobStore.open(Path.of(args[1]));
        ImageIndex index = Json.read(Files.readAllBytes(layout.resolve("index.json")), ImageIndex.class);
        Descriptor root = index.manifests().get(0);
        Manifest manifest = Json.read(Files.readAllBytes(blob(layout, root)), Manifest.class);
        List<Descriptor> blobs = new ArrayList<>(manifest.layers());
        blobs.add(manifest.config());
        blobs.add(root);
        for (Descriptor d : blobs) {
            if (!store.contains(d.digest())) {
                try (InputStream in = Files.newInputStream(blob(layout, d))) {
                    store.write(d, in);
                }
            }
        }
        Descriptor tagged = Descriptor.of(root.mediaType(), root.digest(), root.size());
        for (int i = 2; i < args.length; i++) {
            store.tag(args[i], tagged);
        }
    }

    private static Path blob(Path layout, Descriptor d) {
        return layout.resolve("blobs").resolve(d.digest().algorithm()).resolve(d.digest().encoded());
    }
}
