package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A second JVM that opens a store and keeps it open until its standard input ends (for prune tests). */
public final class StoreHolder {
    private StoreHolder() {
    }

    public static void main(String[] args) throws Exception {
        BlobStore.open(Path.of(args[0]));
        System.out.println("open");
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the store until the test closes our stdin or kills us
        }
    }

    /** Starts the holder on {@code root} and waits until it has the store open. */
    static Process start(Path root) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(StoreHolder.class.getName());
        cmd.add(root.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        if (!"open".equals(line)) {
            p.destroyForcibly();
            throw new IOException("store holder did not start: " + line);
        }
        return p;
    }
}
