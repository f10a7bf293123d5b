package io.jbuild.builder;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The mount points a container runtime has to create in a rootfs (and their missing parents):
 * noted before the container runs, removed again afterwards when they are still empty, so that a
 * RUN step leaves no {@code /proc}, {@code /etc/hosts} or {@code --mount} target in its layer.
 */
final class MountStubs {
    private final List<Path> missing;

    private MountStubs(List<Path> missing) {
        this.missing = missing;
    }

    /** Notes which of {@code destinations} (container paths) and their parents do not exist in {@code rootfs}. */
    static MountStubs scan(Path rootfs, Collection<String> destinations) throws IOException {
        Set<Path> missing = new LinkedHashSet<>();
        Path root = rootfs.toAbsolutePath().normalize();
        for (String destination : destinations) {
            // resolved, the path has no symlinks left: its missing ancestors are plain directories
            Path host = RootPaths.resolve(root, destination, true);
            List<Path> chain = new ArrayList<>();
            for (Path p = host; p != null && !p.equals(root) && p.startsWith(root) && !RootPaths.exists(p);
                 p = p.getParent()) {
                chain.add(0, p);
            }
            missing.addAll(chain);
        }
        return new MountStubs(new ArrayList<>(missing));
    }

    /** The host paths that were missing, parents first. */
    List<Path> missing() {
        return List.copyOf(missing);
    }

    /**
     * Removes the stubs that now exist and are empty (an empty directory or an empty regular
     * file), deepest first. Anything the container put there is kept; a stub that cannot be
     * removed is skipped (its parents then stay too).
     */
    void remove() {
        for (int i = missing.size() - 1; i >= 0; i--) {
            Path p = missing.get(i);
            try {
                BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attrs.isRegularFile() && attrs.size() == 0 || attrs.isDirectory() && isEmpty(p)) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // not created, already gone, or still busy: it stays
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }
}
