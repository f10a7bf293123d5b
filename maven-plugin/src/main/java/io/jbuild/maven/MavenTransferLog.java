package io.jbuild.maven;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.MediaType;
import io.jbuild.registry.TransferListener;
import java.util.Locale;
import org.apache.maven.plugin.logging.Log;

/**
 * A push's layers in the Maven log, one line per finished layer as docker prints them without a
 * terminal: {@code 0123456789ab: Pushed 1.2 MB}, {@code ...: Layer already exists},
 * {@code ...: Mounted from library/busybox}. Image configs are transferred but not shown. Thread-safe.
 */
final class MavenTransferLog implements TransferListener {
    private final Log log;

    MavenTransferLog(Log log) {
        this.log = log;
    }

    @Override
    public void done(Descriptor blob, Outcome outcome) {
        String type = blob.mediaType();
        if (type.equals(MediaType.OCI_CONFIG) || type.equals(MediaType.DOCKER_CONFIG) || type.endsWith("config.v1+json")) {
            return;
        }
        String hex = blob.digest().encoded();
        String name = hex.substring(0, Math.min(12, hex.length()));
        String what;
        switch (outcome) {
            case SKIPPED:
                what = "Layer already exists";
                break;
            case MOUNTED:
                what = "Mounted";
                break;
            default:
                what = "Pushed " + size(blob.size());
                break;
        }
        synchronized (this) {
            log.info(name + ": " + what);
        }
    }

    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"kB", "MB", "GB", "TB"};
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
