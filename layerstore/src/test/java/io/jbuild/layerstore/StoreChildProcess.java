package io.jbuild.layerstore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the second JVM spawned by {@link BlobStoreTest}.
 * {@code tag <root> <prefix> <count>} tags count names; {@code write-slow <root>} writes a blob
 * that never ends (the test kills the process); {@code hold <root>} keeps the store open until its
 * standard input ends.
 */
public final class StoreChildProcess {
    private StoreChildProcess() {
    }

    public static void main(String[] args) throws Exception {
        BlobStore store = BlobStore.open(Path.of(args[1]));
        switch (args[0]) {
            case "tag" -> {
                Descriptor target = store.write(MediaType.OCI_MANIFEST, args[2].getBytes());
                int count = Integer.parseInt(args[3]);
                for (int i = 0; i < count; i++) {
                    store.tag(args[2] + "-" + i, target);
                }
                System.out.println("done");
            }
            case "hold" -> {
                System.out.println("open");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // keep the store open
                }
            }
            case "write-slow" -> store.write(MediaType.OCI_LAYER, new InputStream() {
                private long n;

                @Override
                public int read() throws IOException {
                    if (n++ == 100_000) {
                        System.out.println("writing");
                        System.out.flush();
                    }
                    if (n > 100_000) {
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                    }
                    return 'x';
                }
            });
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Starts {@code java -cp <this classpath> StoreChildProcess args...}. */
    static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(StoreChildProcess.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }
}
