package io.jbuild.layerstore;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one place that knows both whiteout formats and translates between them.
 *
 * <ul>
 *   <li>OCI (in layer tars): a file {@code .wh.<name>} deletes {@code <name>} of lower layers; a
 *       file {@code .wh..wh..opq} in a directory hides all lower content of that directory.</li>
 *   <li>overlayfs (in upper and lower dirs): a character device 0/0 named {@code <name>}; an
 *       opaque directory carries the xattr {@code trusted.overlay.opaque=y} (or
 *       {@code user.overlay.opaque=y} on a {@code userxattr} mount).</li>
 * </ul>
 */
public final class Whiteouts {
    private Whiteouts() {
    }

    public static final String PREFIX = ".wh.";
    public static final String OPAQUE_MARKER = ".wh..wh..opq";
    /** Names starting with {@code .wh..wh.} are reserved for whiteout metadata. */
    public static final String META_PREFIX = ".wh..wh.";
    public static final String OVERLAY_OPAQUE_XATTR = "trusted.overlay.opaque";
    public static final String USER_OVERLAY_OPAQUE_XATTR = "user.overlay.opaque";

    private static final int S_IFCHR = 0020000;

    // ------------------------------------------------------------------ OCI names

    /** Whether this tar base name is the opaque marker. */
    public static boolean isOpaqueMarker(String baseName) {
        return OPAQUE_MARKER.equals(baseName);
    }

    /** For {@code .wh.foo} returns {@code foo}; empty for names that are not (plain) whiteouts. */
    public static Optional<String> deletedName(String baseName) {
        if (!baseName.startsWith(PREFIX) || baseName.startsWith(META_PREFIX)) {
            return Optional.empty();
        }
        String name = baseName.substring(PREFIX.length());
        return name.isEmpty() || name.equals(".") || name.equals("..") ? Optional.empty() : Optional.of(name);
    }

    /** Whether a tar base name is any whiteout file (plain, opaque or other reserved metadata). */
    public static boolean isWhiteout(String baseName) {
        return baseName.startsWith(PREFIX);
    }

    /** The OCI whiteout base name for a deleted {@code name}. */
    public static String whiteoutName(String name) {
        return PREFIX + name;
    }

    // ------------------------------------------------------------------ overlay format

    /** Whether file attributes ({@code unix:mode}, {@code unix:rdev}) describe an overlay whiteout. */
    public static boolean isOverlayWhiteout(int mode, long rdev) {
        return (mode & 0170000) == S_IFCHR && rdev == 0;
    }

    /** Whether a directory in an overlay upper/lower dir is opaque. */
    public static boolean isOverlayOpaque(Path dir) throws IOException {
        return isY(Xattrs.get(dir, OVERLAY_OPAQUE_XATTR)) || isY(Xattrs.get(dir, USER_OVERLAY_OPAQUE_XATTR));
    }

    /** Whether an xattr name is overlay bookkeeping that must not go into a layer. */
    public static boolean isOverlayXattr(String name) {
        return name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.");
    }

    /** Creates the overlay whiteout for {@code path}: a 0/0 character device (needs CAP_MKNOD). */
    public static void createOverlayWhiteout(Path path) throws IOException {
        try {
            Libc.INSTANCE.mknod(path.toString(), S_IFCHR, 0L);
        } catch (LastErrorException e) {
            throw new IOException("create whiteout device " + path + ": errno " + e.getErrorCode()
                    + (e.getErrorCode() == Libc.EPERM ? " (needs root or CAP_MKNOD)" : ""), e);
        }
    }

    /** Marks a directory opaque for overlayfs ({@code trusted.overlay.opaque=y}, needs CAP_SYS_ADMIN). */
    public static void markOverlayOpaque(Path dir) throws IOException {
        Xattrs.set(dir, OVERLAY_OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean isY(byte[] value) {
        return value != null && value.length == 1 && value[0] == 'y';
    }
}
