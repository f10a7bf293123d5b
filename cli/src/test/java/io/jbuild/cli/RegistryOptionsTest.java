package io.jbuild.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.registry.TransferListener;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store-root and config.json rules and the progress printer, without a registry. */
class RegistryOptionsTest {
    @TempDir
    Path temp;

    private static Path root(String[] args, Environment env) {
        StoreOptions options = new StoreOptions();
        if (args.length > 0) {
            options.root = Path.of(args[0]);
        }
        return options.resolve(env);
    }

    @Test
    void resolve_optionEnvironmentRootXdgHome_inThatOrder() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/opt/s"), root(new String[] {"/opt/s"},
                Environment.of(Map.of("JBUILD_ROOT", "/env/root"), home)));
        assertEquals(Path.of("/env/root"), root(new String[0],
                Environment.of(Map.of("JBUILD_ROOT", "/env/root", "XDG_DATA_HOME", "/x"), home)));
        assertEquals(Path.of("/var/lib/jbuild"), root(new String[0], new Environment(Map.of("XDG_DATA_HOME", "/x"),
                home, new ByteArrayInputStream(new byte[0]), false, true)));
        assertEquals(Path.of("/x/jbuild"), root(new String[0], Environment.of(Map.of("XDG_DATA_HOME", "/x"), home)));
        assertEquals(Path.of("/home/u/.local/share/jbuild"), root(new String[0], Environment.of(Map.of(), home)));
    }

    @Test
    void registryHost_keysAndUrls_normalised() {
        assertEquals("docker.io", DockerConfigFile.registryHost("https://index.docker.io/v1/"));
        assertEquals("docker.io", DockerConfigFile.registryHost("registry-1.docker.io"));
        assertEquals("h.example:5000", DockerConfigFile.registryHost("http://H.example:5000/v2/"));
        assertEquals(DockerConfigFile.DOCKER_HUB_KEY, DockerConfigFile.key("docker.io"));
    }

    @Test
    void putAuth_newDirectory_mode0600AndDockerHubKey() throws Exception {
        DockerConfigFile file = new DockerConfigFile(temp.resolve("d/config.json"));
        file.putAuth("docker.io", "u", "p:w");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())));
        String text = Files.readString(file.file());
        assertTrue(text.contains("\"https://index.docker.io/v1/\""), text);
        assertTrue(text.contains("\"dTpwOnc=\""), text);
        assertTrue(file.removeAuth("docker.io"));
        assertFalse(file.removeAuth("docker.io"));
        try (var files = Files.list(temp.resolve("d"))) {
            assertEquals(1, files.count(), "no temp files left");
        }
    }

    @Test
    void progress_plain_oneLinePerLayerAndConfigHidden() {
        StringWriter text = new StringWriter();
        TransferProgress progress = new TransferProgress(new PrintWriter(text), false,
                TransferProgress.Direction.PUSH, "lib/base");
        Descriptor layer = Descriptor.of("application/vnd.oci.image.layer.v1.tar+gzip", Digest.of(new byte[1]), 1_234_567);
        Descriptor config = Descriptor.of("application/vnd.oci.image.config.v1+json", Digest.of(new byte[2]), 10);
        Descriptor mounted = Descriptor.of("application/vnd.oci.image.layer.v1.tar+gzip", Digest.of(new byte[3]), 10);
        for (Descriptor d : new Descriptor[] {layer, config, mounted}) {
            progress.started(d);
            progress.progress(d, d.size());
        }
        progress.done(layer, TransferListener.Outcome.TRANSFERRED);
        progress.done(config, TransferListener.Outcome.TRANSFERRED);
        progress.done(mounted, TransferListener.Outcome.MOUNTED);
        String[] lines = text.toString().split("\n");
        assertEquals(2, lines.length, text.toString());
        assertTrue(lines[0].matches(layer.digest().encoded().substring(0, 12) + ": Pushed 1\\.2MB in \\d+\\.\\ds"),
                lines[0]);
        assertEquals(mounted.digest().encoded().substring(0, 12) + ": Mounted from lib/base", lines[1]);
    }

    @Test
    void progress_terminal_redrawsLinesInPlace() {
        StringWriter text = new StringWriter();
        TransferProgress progress = new TransferProgress(new PrintWriter(text), true,
                TransferProgress.Direction.PULL, null);
        Descriptor a = Descriptor.of("application/vnd.oci.image.layer.v1.tar+gzip", Digest.of(new byte[1]), 2_000_000);
        Descriptor b = Descriptor.of("application/vnd.oci.image.layer.v1.tar+gzip", Digest.of(new byte[2]), 100);
        progress.started(a);
        progress.started(b);
        progress.done(b, TransferListener.Outcome.SKIPPED);
        progress.done(a, TransferListener.Outcome.TRANSFERRED);
        String out = text.toString();
        assertTrue(out.contains("\033[2A"), "cursor moves up over both lines: " + out);
        assertTrue(out.endsWith(": Pull complete 2.0MB in " + out.substring(out.lastIndexOf(" in ") + 4)), out);
        assertTrue(out.contains(b.digest().encoded().substring(0, 12) + ": Already exists\n"), out);
    }
}
