package io.jbuild.layerstore;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generates the hostile tar corpus in {@code src/test/resources/tar-negative/} (see the README
 * there). Each case names the entry the extractor must reject. Run {@link #main} to rewrite the
 * files; {@code TarExtractorTest} checks the committed files still equal what this produces.
 */
final class HostileTars {
    private HostileTars() {
    }

    static final Path DIR = Path.of("src/test/resources/tar-negative");

    /** A hostile case: the tar bytes and the name of the entry that must be rejected. */
    record Case(byte[] tar, String badEntry) {
    }

    static Map<String, Case> all() throws IOException {
        Map<String, Case> m = new LinkedHashMap<>();
        m.put("dotdot.tar", new Case(tar(file("../escape.txt")), "../escape.txt"));
        m.put("dotdot-nested.tar", new Case(tar(dir("a/"), file("a/../../escape.txt")), "a/../../escape.txt"));
        m.put("dotdot-pax-long-name.tar", new Case(tar(file("x/".repeat(60) + "../".repeat(62) + "escape.txt")),
                "x/".repeat(60) + "../".repeat(62) + "escape.txt"));
        m.put("absolute.tar", new Case(tar(file("/jbuild-hostile-absolute.txt")), "/jbuild-hostile-absolute.txt"));
        m.put("symlink-escape-dir.tar", new Case(tar(symlink("evil", "../../../../../../../.."),
                file("evil/tmp/escape.txt")), "evil/tmp/escape.txt"));
        m.put("symlink-escape-sibling.tar", new Case(tar(symlink("evil", "../outside"), file("evil/escape.txt")),
                "evil/escape.txt"));
        m.put("symlink-escape-chain.tar", new Case(tar(symlink("a", "b"), symlink("b", "c/../../outside"),
                dir("c/"), file("a/escape.txt")), "a/escape.txt"));
        m.put("symlink-replaces-dir.tar", new Case(tar(dir("d/"), symlink("d", "../outside"), file("d/escape.txt")),
                "d/escape.txt"));
        m.put("symlink-loop.tar", new Case(tar(symlink("loop", "loop"), file("loop/x")), "loop/x"));
        m.put("hardlink-dotdot.tar", new Case(tar(hardlink("h", "../outside/secret")), "h"));
        m.put("hardlink-absolute.tar", new Case(tar(hardlink("h", "/etc/passwd")), "h"));
        m.put("hardlink-via-symlink.tar", new Case(tar(symlink("evil", "../outside"), hardlink("h", "evil/secret")),
                "h"));
        m.put("whiteout-dotdot.tar", new Case(tar(file("a/.wh..."), file("ok")), "a/.wh..."));
        m.put("whiteout-through-symlink.tar", new Case(tar(symlink("evil", "../outside"), file("evil/.wh.secret")),
                "evil/.wh.secret"));
        return m;
    }

    private static TarArchiveEntry file(String name) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setSize(5);
        return e;
    }

    private static TarArchiveEntry dir(String name) {
        TarArchiveEntry e = entry(name, TarConstants.LF_DIR);
        e.setMode(0755);
        return e;
    }

    private static TarArchiveEntry symlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        return e;
    }

    private static TarArchiveEntry hardlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK);
        e.setLinkName(target);
        return e;
    }

    private static TarArchiveEntry entry(String name, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true); // keep absolute names as written
        e.setMode(0644);
        e.setUserName("");
        e.setGroupName("");
        e.setModTime(FileTime.fromMillis(0));
        return e;
    }

    private static byte[] tar(TarArchiveEntry... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (TarArchiveEntry e : entries) {
                tar.putArchiveEntry(e);
                if (e.isFile() && e.getSize() > 0) {
                    tar.write("evil\n".getBytes(StandardCharsets.US_ASCII));
                }
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    public static void main(String[] args) throws IOException {
        Files.createDirectories(DIR);
        for (Map.Entry<String, Case> e : all().entrySet()) {
            Files.write(DIR.resolve(e.getKey()), e.getValue().tar());
        }
    }
}
