package io.jbuild.layerstore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small images written into a store from generated directory trees, for the archive tests. */
final class ArchiveTestImages {
    private ArchiveTestImages() {
    }

    /** An image of {@code layerCount} gzip layers, each a few files depending on {@code name}. */
    static NamedImage image(BlobStore store, Path work, String name, int layerCount) throws Exception {
        List<Descriptor> layers = new ArrayList<>();
        List<Digest> diffIds = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            Path dir = Files.createDirectories(work.resolve(name.replaceAll("[^a-z0-9]", "_") + "-layer" + i));
            Files.createDirectories(dir.resolve("etc"));
            Files.writeString(dir.resolve("etc").resolve("layer" + i), name + " layer " + i + "\n");
            byte[] data = new byte[50_000 + i];
            new java.util.Random(name.hashCode() + i).nextBytes(data);
            Files.write(dir.resolve("data" + i + ".bin"), data);
            Files.createSymbolicLink(dir.resolve("link" + i), Path.of("etc/layer" + i));
            Layer layer = new LayerWriter(LayerWriter.Options.defaults().withSourceDateEpoch(0L)).write(dir, store);
            layers.add(layer.descriptor());
            diffIds.add(layer.diffId());
        }
        ImageConfig config = ImageConfig.scratch(Platform.host()).withRootfs(ImageConfig.RootFs.of(diffIds), List.of());
        Descriptor configDescriptor = store.write(MediaType.OCI_CONFIG, Json.write(config));
        byte[] manifest = Json.write(Manifest.of(configDescriptor, layers));
        Descriptor manifestDescriptor = store.write(MediaType.OCI_MANIFEST, manifest);
        String full = ImageReference.parse(name).toString();
        store.tag(full, manifestDescriptor);
        return new NamedImage(full, manifestDescriptor);
    }

    static String text(BlobStore store, Digest digest) throws StoreException {
        return new String(store.readAll(digest), StandardCharsets.UTF_8);
    }
}
