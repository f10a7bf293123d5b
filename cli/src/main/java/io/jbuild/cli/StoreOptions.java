package io.jbuild.cli;

import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.StoreException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The store directory option shared by the commands that use the store ({@code @Mixin}). */
final class StoreOptions {
    @Option(names = "--root", paramLabel = "DIR",
            description = "The store directory (default: $JBUILD_ROOT; else /var/lib/jbuild as root, "
                    + "$XDG_DATA_HOME/jbuild or ~/.local/share/jbuild otherwise).")
    Path root;

    /** {@code --root}, else {@code JBUILD_ROOT}, else the default for the user. */
    Path resolve(Environment env) {
        if (root != null) {
            return root;
        }
        if (env.get("JBUILD_ROOT") != null) {
            return Path.of(env.get("JBUILD_ROOT"));
        }
        if (env.superuser()) {
            return Path.of("/var/lib/jbuild");
        }
        if (env.get("XDG_DATA_HOME") != null) {
            return Path.of(env.get("XDG_DATA_HOME"), "jbuild");
        }
        return env.home().resolve(".local").resolve("share").resolve("jbuild");
    }

    BlobStore open(Environment env) throws StoreException {
        return BlobStore.open(resolve(env));
    }

    /** Opens the store leaving dead writers' temp files in place (prune reports them). */
    BlobStore openKeepingTmp(Environment env) throws StoreException {
        return BlobStore.open(resolve(env), false);
    }
}
