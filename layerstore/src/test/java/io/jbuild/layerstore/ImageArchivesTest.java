package io.jbuild.layerstore;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageArchivesTest {
    @TempDir
    Path temp;

    private BlobStore source;
    private NamedImage busybox;
    private NamedImage other;

    private void sourceImages() throws Exception {
        source = BlobStore.open(temp.resolve("source"));
        busybox = ArchiveTestImages.image(source, temp.resolve("work"), "busybox", 2);
        other = ArchiveTestImages.image(source, temp.resolve("work"), "registry.example:5000/team/app:v1", 1);
    }

    private byte[] oci(List<NamedImage> images) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageExporter.writeOciLayout(source, images, out);
        return out.toByteArray();
    }

    private byte[] docker(List<NamedImage> images) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageExporter.writeDockerArchive(source, images, out);
        return out.toByteArray();
    }

    private static List<String> names(byte[] tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
                assertEquals(0, e.getModTime().getTime(), e.getName());
                assertEquals(0, e.getLongUserId(), e.getName());
            }
        }
        return names;
    }

    private static byte[] entry(byte[] tar, String name) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        return null;
    }

    private BlobStore target() throws StoreException {
        return BlobStore.open(temp.resolve("target"));
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = temp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void writeOciLayout_twoImages_sortedDeterministicLayoutWithNames() throws Exception {
        sourceImages();
        byte[] tar = oci(List.of(busybox, other));
        assertArrayEquals(tar, oci(List.of(busybox, other)));
        List<String> names = names(tar);
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        assertEquals(List.of("blobs/", "blobs/sha256/"), names.subList(0, 2));
        assertTrue(names.containsAll(List.of("index.json", "oci-layout")), names.toString());
        JsonNode index = Json.read(entry(tar, "index.json"), JsonNode.class);
        assertEquals(2, index.path("manifests").size());
        JsonNode first = index.path("manifests").get(0);
        assertEquals(busybox.manifest().digest().toString(), first.path("digest").asText());
        assertEquals("latest", first.path("annotations").path(BlobStore.REF_NAME).asText());
        assertEquals("docker.io/library/busybox:latest",
                first.path("annotations").path("io.containerd.image.name").asText());
        assertEquals("v1", index.path("manifests").get(1).path("annotations").path(BlobStore.REF_NAME).asText());
        // 2 manifests + 2 configs + 3 layers
        assertEquals(7, names.stream().filter(n -> n.startsWith("blobs/sha256/") && n.length() > 13).count());
    }

    @Test
    void ociLayout_saveThenLoad_sameDigestsAndNames() throws Exception {
        sourceImages();
        BlobStore target = target();
        List<NamedImage> loaded = ImageImporter.load(target, file("oci.tar", oci(List.of(busybox, other))));
        assertEquals(List.of(busybox.name(), other.name()), loaded.stream().map(NamedImage::name).toList());
        assertEquals(busybox.manifest().digest(), target.resolve(busybox.name()).orElseThrow().digest());
        assertEquals(other.manifest().digest(), target.resolve(other.name()).orElseThrow().digest());
        StoredImages.Image image = StoredImages.find(target, "busybox", null).orElseThrow();
        assertEquals(2, StoredImages.layerDirs(target, image).size());
        assertEquals(List.of(), damage(StoreChecker.check(target)));
    }

    @Test
    void ociLayout_directoryAndGzipTar_bothLoad() throws Exception {
        sourceImages();
        Path dir = temp.resolve("layout");
        ImageExporter.writeOciLayoutDirectory(source, List.of(busybox), dir);
        assertTrue(Files.isRegularFile(dir.resolve("oci-layout")));
        List<NamedImage> fromDir = ImageImporter.load(target(), dir);
        assertEquals(busybox.manifest().digest(), fromDir.get(0).manifest().digest());

        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(oci(List.of(other)));
        }
        BlobStore second = BlobStore.open(temp.resolve("second"));
        List<NamedImage> fromGzip = ImageImporter.load(second, file("oci.tar.gz", gz.toByteArray()));
        assertEquals(other.manifest().digest(), fromGzip.get(0).manifest().digest());
        assertEquals(other.name(), fromGzip.get(0).name());
    }

    @Test
    void load_bzip2ZstdAndXzCompressedTars_allLoad() throws Exception {
        sourceImages();
        byte[] tar = oci(List.of(busybox));
        ByteArrayOutputStream bz = new ByteArrayOutputStream();
        try (var out = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(bz)) {
            out.write(tar);
        }
        Path plain = file("plain.tar", tar);
        Path zst = temp.resolve("oci.tar.zst");
        Path xz = temp.resolve("oci.tar.xz");
        run("zstd", "-q", "-o", zst.toString(), plain.toString());
        run("sh", "-c", "xz -c " + plain + " > " + xz);
        int i = 0;
        for (Path input : List.of(file("oci.tar.bz2", bz.toByteArray()), zst, xz)) {
            BlobStore target = BlobStore.open(temp.resolve("target" + i++));
            List<NamedImage> loaded = ImageImporter.load(target, input);
            assertEquals(busybox, loaded.get(0), input.toString());
        }
        byte[] zstBytes = Files.readAllBytes(zst);
        Path broken = file("broken.tar.zst", Arrays.copyOf(zstBytes, zstBytes.length / 2));
        StoreException e = assertThrows(StoreException.class, () -> ImageImporter.load(target(), broken));
        assertTrue(e.getMessage().startsWith("load " + broken + ": "), e.getMessage());
        assertEquals(List.of(), target().list());
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertEquals(0, p.waitFor(), String.join(" ", cmd));
    }

    @Test
    void ociLayout_foreignLayerNotInStore_leftOutAndLoadsWithoutIt() throws Exception {
        sourceImages();
        StoredImages.Image base = StoredImages.find(source, "busybox", null).orElseThrow();
        Digest foreignDigest = Digest.of("foreign".getBytes(StandardCharsets.UTF_8));
        Descriptor foreign = new Descriptor(MediaType.DOCKER_FOREIGN_LAYER_GZIP, foreignDigest, 7,
                List.of("https://example.com/layer"), null, null, null, null);
        List<Descriptor> layers = new ArrayList<>(base.manifest().layers());
        layers.add(foreign);
        List<Digest> diffIds = new ArrayList<>(base.diffIds());
        diffIds.add(foreignDigest);
        ImageConfig config = base.config().value().withRootfs(ImageConfig.RootFs.of(diffIds), List.of());
        Descriptor configDescriptor = source.write(MediaType.OCI_CONFIG, Json.write(config));
        Descriptor manifest = source.write(MediaType.OCI_MANIFEST, Json.write(Manifest.of(configDescriptor, layers)));
        NamedImage image = new NamedImage("docker.io/library/foreign:v1", manifest);

        byte[] tar = oci(List.of(image));
        assertFalse(names(tar).contains("blobs/sha256/" + foreignDigest.encoded()));
        BlobStore target = target();
        assertEquals(List.of(image), ImageImporter.load(target, file("foreign.tar", tar)));
        List<StoreChecker.Problem> problems = StoreChecker.check(target);
        assertEquals(List.of(StoreChecker.Kind.NOT_STORED),
                problems.stream().map(StoreChecker.Problem::kind).toList());
    }

    @Test
    void writeOciLayoutDirectory_notEmpty_refused() throws Exception {
        sourceImages();
        Path dir = Files.createDirectories(temp.resolve("full"));
        Files.writeString(dir.resolve("x"), "x");
        StoreException e = assertThrows(StoreException.class,
                () -> ImageExporter.writeOciLayoutDirectory(source, List.of(busybox), dir));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    }

    @Test
    void dockerArchive_saveThenLoad_sameConfigAndContent() throws Exception {
        sourceImages();
        byte[] tar = docker(List.of(busybox, other));
        assertArrayEquals(tar, docker(List.of(busybox, other)));
        JsonNode manifest = Json.read(entry(tar, "manifest.json"), JsonNode.class);
        assertEquals("busybox:latest", manifest.get(0).path("RepoTags").get(0).asText());
        assertEquals("registry.example:5000/team/app:v1", manifest.get(1).path("RepoTags").get(0).asText());
        StoredImages.Image original = StoredImages.find(source, "busybox", null).orElseThrow();
        String layer0 = original.diffIds().get(0).encoded() + "/layer.tar";
        assertEquals(layer0, manifest.get(0).path("Layers").get(0).asText());
        assertEquals(original.diffIds().get(0), Digest.of(entry(tar, layer0)));
        JsonNode repositories = Json.read(entry(tar, "repositories"), JsonNode.class);
        assertTrue(repositories.has("busybox"), repositories.toString());

        BlobStore target = target();
        List<NamedImage> loaded = ImageImporter.load(target, file("docker.tar", tar));
        assertEquals(List.of(busybox.name(), other.name()), loaded.stream().map(NamedImage::name).toList());
        StoredImages.Image image = StoredImages.find(target, "busybox", null).orElseThrow();
        assertEquals(original.config().digest(), image.config().digest());
        assertEquals(MediaType.OCI_LAYER_GZIP, image.manifest().layers().get(0).mediaType());
        Path dir = StoredImages.layerDirs(target, image).get(0);
        assertEquals("busybox layer 0\n", Files.readString(dir.resolve("etc/layer0")));
        assertEquals(List.of(), damage(StoreChecker.check(target)));
    }

    @Test
    void dockerArchive_extractedDirectory_loads() throws Exception {
        sourceImages();
        Path dir = Files.createDirectories(temp.resolve("extracted"));
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(docker(List.of(busybox))))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path p = dir.resolve(e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                } else {
                    Files.createDirectories(p.getParent());
                    Files.write(p, in.readAllBytes());
                }
            }
        }
        List<NamedImage> loaded = ImageImporter.load(target(), dir);
        assertEquals("docker.io/library/busybox:latest", loaded.get(0).name());
    }

    @Test
    void load_unnamedOciImage_keptUntaggedAndFindableByDigest() throws Exception {
        sourceImages();
        BlobStore target = target();
        List<NamedImage> loaded = ImageImporter.load(target, file("x.tar",
                oci(List.of(new NamedImage(null, busybox.manifest())))));
        assertNull(loaded.get(0).name());
        assertEquals(1, target.list().size());
        assertFalse(target.list().get(0).annotations().containsKey(BlobStore.REF_NAME));
        assertTrue(StoredImages.find(target, busybox.manifest().digest().toString(), null).isPresent());
        target.tag("named:v1", busybox.manifest());
        assertEquals(1, target.list().size(), "tagging a dangling image replaces its untagged entry");
    }

    // ---------------------------------------------------------------- hostile and broken input

    private static byte[] tar(TarArchiveEntry... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (TarArchiveEntry e : entries) {
                byte[] data = e.isFile() ? ("content of " + e.getName()).getBytes(StandardCharsets.UTF_8) : new byte[0];
                if (e.isFile()) {
                    e.setSize(data.length);
                }
                out.putArchiveEntry(e);
                out.write(data);
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static TarArchiveEntry symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
        e.setLinkName(target);
        return e;
    }

    @Test
    void load_dotDotEntry_refusedNamingTheEntryAndNothingTagged() throws Exception {
        sourceImages();
        byte[] good = oci(List.of(busybox));
        byte[] hostile = appendEntry(good, new TarArchiveEntry("../escape"));
        BlobStore target = target();
        UnsafeEntryException e = assertThrows(UnsafeEntryException.class,
                () -> ImageImporter.load(target, file("hostile.tar", hostile)));
        assertEquals("../escape", e.entry());
        assertEquals(List.of(), target.list());
        assertFalse(Files.exists(temp.resolve("escape")));
    }

    @Test
    void load_symlinkLeavingArchive_refused() throws Exception {
        byte[] hostile = tar(symlink("manifest.json", "../../etc/passwd"));
        UnsafeEntryException e = assertThrows(UnsafeEntryException.class,
                () -> ImageImporter.load(target(), file("hostile.tar", hostile)));
        assertTrue(e.getMessage().contains("leaves the archive"), e.getMessage());
        byte[] absolute = tar(symlink("manifest.json", "/etc/passwd"));
        assertThrows(UnsafeEntryException.class, () -> ImageImporter.load(target(), file("abs.tar", absolute)));
    }

    @Test
    void load_directoryWithSymlinkOut_refused() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("evil"));
        Files.writeString(temp.resolve("outside.json"), "[]");
        Files.createSymbolicLink(dir.resolve("manifest.json"), Path.of("../outside.json"));
        UnsafeEntryException e = assertThrows(UnsafeEntryException.class, () -> ImageImporter.load(target(), dir));
        assertEquals("manifest.json", e.entry());
    }

    @Test
    void load_absoluteEntry_refused() throws Exception {
        assertThrows(UnsafeEntryException.class,
                () -> ImageImporter.load(target(), file("abs.tar", tar(new TarArchiveEntry("/etc/x", true)))));
    }

    @Test
    void load_truncatedArchive_errorNothingTaggedStoreClean() throws Exception {
        sourceImages();
        byte[] tar = oci(List.of(busybox));
        for (int cut : new int[] {tar.length / 3, tar.length / 2, tar.length - 3000}) {
            BlobStore target = BlobStore.open(temp.resolve("t" + cut));
            byte[] truncated = Arrays.copyOf(tar, cut);
            assertThrows(StoreException.class, () -> ImageImporter.load(target, file("cut" + cut + ".tar", truncated)),
                    "cut at " + cut);
            assertEquals(List.of(), target.list());
            assertEquals(List.of(), damage(StoreChecker.check(target)));
            try (var tmp = Files.list(target.tmpDir())) {
                assertEquals(0, tmp.count());
            }
        }
    }

    @Test
    void load_blobWithWrongContent_refused() throws Exception {
        sourceImages();
        byte[] tar = oci(List.of(busybox));
        Digest config = StoredImages.find(source, "busybox", null).orElseThrow().config().digest();
        byte[] bad = replaceEntry(tar, "blobs/sha256/" + config.encoded());
        StoreException e = assertThrows(StoreException.class, () -> ImageImporter.load(target(), file("bad.tar", bad)));
        assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
        assertEquals(List.of(), target().list());
    }

    @Test
    void load_dockerLayerNotMatchingConfig_refused() throws Exception {
        sourceImages();
        byte[] tar = docker(List.of(busybox));
        StoredImages.Image original = StoredImages.find(source, "busybox", null).orElseThrow();
        String layer = original.diffIds().get(1).encoded() + "/layer.tar";
        byte[] swapped = replaceEntryWith(tar, layer, entry(tar, original.diffIds().get(0).encoded() + "/layer.tar"));
        StoreException e = assertThrows(StoreException.class,
                () -> ImageImporter.load(target(), file("swapped.tar", swapped)));
        assertTrue(e.getMessage().contains(original.diffIds().get(1).toString()), e.getMessage());
        assertTrue(e.getCause() instanceof UnexpectedContentException, String.valueOf(e.getCause()));
        assertEquals(List.of(), target().list());
    }

    @Test
    void load_dockerArchiveWithSymlinkedLayer_likeClassicDockerSave_loads() throws Exception {
        ByteArrayOutputStream layerBytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream layer = new TarArchiveOutputStream(layerBytes)) {
            TarArchiveEntry e = new TarArchiveEntry("hello.txt");
            byte[] data = "hello\n".getBytes(StandardCharsets.UTF_8);
            e.setSize(data.length);
            layer.putArchiveEntry(e);
            layer.write(data);
            layer.closeArchiveEntry();
        }
        byte[] layer = layerBytes.toByteArray();
        Digest diffId = Digest.of(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\"" + diffId + "\",\"" + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8);
        String configName = Digest.of(config).encoded() + ".json";
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(archive)) {
            for (Object[] f : new Object[][] {{configName, config}, {"aaa/layer.tar", layer},
                    {"manifest.json", ("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"twice:v1\"],"
                            + "\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8)}}) {
                TarArchiveEntry e = new TarArchiveEntry((String) f[0]);
                e.setSize(((byte[]) f[1]).length);
                out.putArchiveEntry(e);
                out.write((byte[]) f[1]);
                out.closeArchiveEntry();
            }
            TarArchiveEntry link = new TarArchiveEntry("bbb/layer.tar", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("../aaa/layer.tar");
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
        }
        BlobStore target = target();
        List<NamedImage> loaded = ImageImporter.load(target, file("twice.tar", archive.toByteArray()));
        assertEquals("docker.io/library/twice:v1", loaded.get(0).name());
        StoredImages.Image image = StoredImages.find(target, "twice:v1", null).orElseThrow();
        assertEquals(Digest.of(config), image.config().digest());
        assertEquals(2, image.manifest().layers().size());
        assertEquals(image.manifest().layers().get(0), image.manifest().layers().get(1));
        assertEquals("hello\n", Files.readString(StoredImages.layerDirs(target, image).get(1).resolve("hello.txt")));
    }

    @Test
    void load_dockerArchiveWithBlobPaths_likeDocker25WithoutOciLayout_loads() throws Exception {
        sourceImages();
        StoredImages.Image original = StoredImages.find(source, "busybox", null).orElseThrow();
        StringBuilder manifest = new StringBuilder("[{\"Config\":\"blobs/sha256/")
                .append(original.config().digest().encoded()).append("\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":[");
        for (int i = 0; i < original.manifest().layers().size(); i++) {
            manifest.append(i == 0 ? "" : ",").append("\"blobs/sha256/")
                    .append(original.manifest().layers().get(i).digest().encoded()).append('"');
        }
        manifest.append("]}]");
        byte[] hybrid = replaceEntryWith(oci(List.of(busybox)), "oci-layout", null);
        TarArchiveEntry entry = new TarArchiveEntry("manifest.json");
        hybrid = appendEntry(hybrid, entry, manifest.toString().getBytes(StandardCharsets.UTF_8));
        BlobStore target = target();
        List<NamedImage> loaded = ImageImporter.load(target, file("hybrid.tar", hybrid));
        assertEquals(busybox.name(), loaded.get(0).name());
        StoredImages.Image image = StoredImages.find(target, "busybox", null).orElseThrow();
        assertEquals(original.config().digest(), image.config().digest());
        assertEquals(original.manifest().layers(), image.manifest().layers());
    }

    @Test
    void load_neitherLayout_clearError() throws Exception {
        StoreException e = assertThrows(StoreException.class,
                () -> ImageImporter.load(target(), file("x.tar", tar(new TarArchiveEntry("hello.txt")))));
        assertTrue(e.getMessage().contains("neither an OCI image layout"), e.getMessage());
    }

    @Test
    void normalize_entryNames() throws Exception {
        assertEquals("blobs/sha256/ab", ArchiveContents.normalize("./blobs//sha256/ab"));
        assertThrows(UnsafeEntryException.class, () -> ArchiveContents.normalize("a/../../b"));
        assertEquals("b/layer.tar", ArchiveContents.resolveSymlink("a/layer.tar", "../b/layer.tar"));
        assertThrows(UnsafeEntryException.class, () -> ArchiveContents.resolveSymlink("a/layer.tar", "../../b"));
    }

    private static byte[] appendEntry(byte[] tar, TarArchiveEntry extra) throws IOException {
        return appendEntry(tar, extra, new byte[] {'x'});
    }

    private static byte[] appendEntry(byte[] tar, TarArchiveEntry extra, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar));
             TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.putArchiveEntry(e);
                in.transferTo(out);
                out.closeArchiveEntry();
            }
            extra.setSize(content.length);
            out.putArchiveEntry(extra);
            out.write(content);
            out.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] replaceEntry(byte[] tar, String name) throws IOException {
        byte[] original = entry(tar, name);
        byte[] changed = original.clone();
        changed[changed.length / 2] ^= 1;
        assertNotEquals(Digest.of(original), Digest.of(changed));
        return replaceEntryWith(tar, name, changed);
    }

    private static byte[] replaceEntryWith(byte[] tar, String name, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar));
             TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] data = e.getName().equals(name) ? content : in.readAllBytes();
                if (data == null) {
                    continue;
                }
                e.setSize(data.length);
                out.putArchiveEntry(e);
                out.write(data);
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static List<StoreChecker.Problem> damage(List<StoreChecker.Problem> problems) {
        return problems.stream().filter(StoreChecker.Problem::isDamage).toList();
    }
}
