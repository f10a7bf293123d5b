package io.jbuild.layerstore;

import io.jbuild.layerstore.TestStoreImages.Entry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageDiffTest {
    @TempDir
    Path tmp;

    private BlobStore store;
    private Layer base;

    @BeforeEach
    void setUp() throws Exception {
        store = BlobStore.open(tmp.resolve("store"));
        base = TestStoreImages.tarLayer(store, Entry.dir("etc/"), Entry.file("etc/a", "a"), Entry.file("etc/b", "b"),
                Entry.dir("old/"), Entry.dir("old/sub/"), Entry.file("old/sub/f", "f"), Entry.file("file", "x"),
                Entry.dir("data/"), Entry.file("data/1", "1"), Entry.file("keep", "k"),
                new Entry("link", '2', "etc/a", 0777), new Entry("hard", '1', "keep", 0644));
    }

    private List<String> diff(Layer... upper) throws Exception {
        List<Layer> layers = new java.util.ArrayList<>(List.of(base));
        layers.addAll(List.of(upper));
        StoredImages.Image from = StoredImages.load(store, null, TestStoreImages.image(store, "amd64", List.of(base)), null);
        StoredImages.Image to = StoredImages.load(store, null, TestStoreImages.image(store, "amd64", layers), null);
        return ImageDiff.compare(store, from, to).stream().map(ImageDiff.Change::toString).toList();
    }

    @Test
    void compare_sameTree_noChanges() throws Exception {
        assertEquals(List.of(), diff());
        // rewriting files with the same content and metadata (other mtimes) changes nothing
        assertEquals(List.of(), diff(TestStoreImages.tarLayer(store, Entry.dir("etc/"), Entry.file("etc/a", "a"))));
    }

    @Test
    void compare_whiteoutAndOpaque_deletedPathsUnderChangedDirs() throws Exception {
        assertEquals(List.of("C /data", "D /data/1", "A /data/2", "C /etc", "D /etc/a"),
                diff(TestStoreImages.tarLayer(store, Entry.dir("data/"), Entry.whiteout("data/.wh..wh..opq"),
                        Entry.file("data/2", "2"), Entry.dir("etc/"), Entry.whiteout("etc/.wh.a"))));
    }

    @Test
    void compare_dirReplacedByFileAndFileByDir_changedWithContent() throws Exception {
        assertEquals(List.of("C /file", "A /file/inner", "C /old", "D /old/sub"),
                diff(TestStoreImages.tarLayer(store, Entry.whiteout(".wh.file"), Entry.dir("file/"),
                        Entry.file("file/inner", "i"), Entry.file("old", "now a file"))));
    }

    @Test
    void compare_contentModeLinkTarget_changed() throws Exception {
        assertEquals(List.of("C /etc", "C /etc/a", "C /etc/b", "C /keep", "C /link"),
                diff(TestStoreImages.tarLayer(store, Entry.dir("etc/"), Entry.file("etc/a", "A"),
                        new Entry("etc/b", '0', "b", 0600), new Entry("link", '2', "etc/b", 0777),
                        Entry.file("keep", "K"))));
    }

    @Test
    void compare_deletedDirAndAddedTree_oneDeleteManyAdds() throws Exception {
        assertEquals(List.of("A /new", "A /new/deep", "A /new/deep/f", "D /old"),
                diff(TestStoreImages.tarLayer(store, Entry.whiteout(".wh.old"), Entry.file("new/deep/f", "f"))));
    }

    @Test
    void compare_hardlinkToSameContent_unchanged() throws Exception {
        // "hard" was a hardlink to "keep" ("k"); a plain file with the same content is the same
        assertEquals(List.of(), diff(TestStoreImages.tarLayer(store, Entry.file("hard", "k"))));
        assertEquals(List.of("A /fifo"), diff(TestStoreImages.tarLayer(store, new Entry("fifo", 'p', null, 0644))));
    }

    @Test
    void compare_entryThroughSymlinkedDir_landsAtTarget() throws Exception {
        Layer usrmerge = TestStoreImages.tarLayer(store, Entry.dir("usr/"), Entry.dir("usr/lib/"),
                new Entry("lib", '2', "usr/lib", 0777), new Entry("abs", '2', "/usr", 0777));
        assertEquals(List.of("A /abs", "A /lib", "A /usr", "A /usr/lib", "A /usr/lib/x", "A /usr/y"),
                diff(usrmerge, TestStoreImages.tarLayer(store, Entry.file("lib/x", "x"), Entry.file("abs/y", "y"))));
    }
}
