package io.jbuild.dockerfile;

import java.util.Locale;
import java.util.Objects;

/**
 * A platform as {@code --platform} writes it: {@code os/arch[/variant]}.
 *
 * @param os e.g. {@code linux}
 * @param architecture e.g. {@code amd64}
 * @param variant e.g. {@code v8}, "" when none
 */
public record PlatformSpec(String os, String architecture, String variant) {
    public PlatformSpec {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(variant, "variant");
    }

    /** Parses {@code os/arch[/variant]} (lower-cased, as containerd's platforms package normalises it). */
    public static PlatformSpec parse(String text) throws DockerfileException {
        String[] parts = text.toLowerCase(Locale.ROOT).split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw Instructions.error("parse platform \"" + text + "\": expected os/arch[/variant]");
        }
        for (String p : parts) {
            if (!p.matches("[a-z0-9_.-]+")) {
                throw Instructions.error("parse platform \"" + text + "\": invalid component \"" + p + "\"");
            }
        }
        return new PlatformSpec(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
    }

    /** The platform of the running JVM (Linux, with Go's architecture names). */
    public static PlatformSpec current() {
        String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "x86_64":
            case "amd64":
                return new PlatformSpec("linux", "amd64", "");
            case "aarch64":
            case "arm64":
                return new PlatformSpec("linux", "arm64", "");
            case "x86":
            case "i386":
            case "i686":
                return new PlatformSpec("linux", "386", "");
            case "arm":
                return new PlatformSpec("linux", "arm", "v7");
            default:
                return new PlatformSpec("linux", arch, "");
        }
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
