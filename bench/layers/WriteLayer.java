import io.jbuild.layerstore.Layer;
import io.jbuild.layerstore.LayerWriter;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a directory as a layer blob with LayerWriter's default options (gzip level 6, one
 * compression thread per core) to a file, and prints the time spent inside the JVM.
 * Usage: java -cp cli/target/jbuild.jar bench/layers/WriteLayer.java DIR OUT
 */
public class WriteLayer {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path out = Path.of(args[1]);
        long t0 = System.nanoTime();
        Layer layer;
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            layer = new LayerWriter(LayerWriter.Options.defaults()).write(dir, o);
        }
        long t1 = System.nanoTime();
        System.out.printf("in_jvm_s=%.2f size=%d digest=%s diff_id=%s%n", (t1 - t0) / 1e9,
                layer.descriptor().size(), layer.descriptor().digest(), layer.diffId());
    }
}
