package io.jbuild.layerstore;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Locale;

/**
 * The platform an image runs on: {@code os/architecture[/variant]} plus Windows' OS version and
 * features. {@link #parse} keeps what the user wrote; {@link #normalize()} gives the canonical
 * form used for matching ({@code x86_64} is {@code amd64}, {@code aarch64} is {@code arm64} whose
 * default variant is {@code v8}).
 */
@JsonPropertyOrder({"architecture", "os", "os.version", "os.features", "variant"})
public record Platform(
        String architecture,
        String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("os.features") List<String> osFeatures,
        String variant) {

    public Platform {
        if (architecture == null || architecture.isEmpty()) {
            throw new IllegalArgumentException("platform architecture is missing");
        }
        if (os == null || os.isEmpty()) {
            throw new IllegalArgumentException("platform os is missing");
        }
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
        if (variant != null && variant.isEmpty()) {
            variant = null;
        }
        if (osVersion != null && osVersion.isEmpty()) {
            osVersion = null;
        }
    }

    public static Platform of(String os, String architecture, String variant) {
        return new Platform(architecture, os, null, List.of(), variant);
    }

    /** Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}. */
    public static Platform parse(String text) throws InvalidValueException {
        if (text == null || text.isBlank()) {
            throw new InvalidValueException("parse platform \"" + text + "\": empty");
        }
        String[] parts = text.trim().split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new InvalidValueException("parse platform \"" + text + "\": expected os/arch[/variant]");
        }
        for (String p : parts) {
            if (!p.matches("[A-Za-z0-9_.-]+")) {
                throw new InvalidValueException("parse platform \"" + text + "\": invalid component \"" + p + "\"");
            }
        }
        String os = parts[0].toLowerCase(Locale.ROOT);
        String arch = parts[1].toLowerCase(Locale.ROOT);
        String variant = parts.length == 3 ? parts[2].toLowerCase(Locale.ROOT) : null;
        return of(os, arch, variant);
    }

    /** The platform of the running JVM (normalised). */
    public static Platform host() {
        String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            os = "windows";
        } else if (os.startsWith("mac")) {
            os = "darwin";
        }
        return of(os, System.getProperty("os.arch", "amd64"), null).normalize();
    }

    /** The canonical form used to compare platforms. */
    public Platform normalize() {
        String arch = architecture.toLowerCase(Locale.ROOT);
        String v = variant == null ? null : variant.toLowerCase(Locale.ROOT);
        switch (arch) {
            case "x86_64", "x86-64", "amd64" -> {
                arch = "amd64";
                if ("v1".equals(v)) {
                    v = null;
                }
            }
            case "i386", "i486", "i586", "i686", "x86", "386" -> arch = "386";
            case "aarch64", "arm64" -> {
                arch = "arm64";
                if (v == null || v.equals("8") || v.equals("v8.0")) {
                    v = "v8";
                }
            }
            case "armhf" -> {
                arch = "arm";
                v = "v7";
            }
            case "armel" -> {
                arch = "arm";
                v = "v6";
            }
            case "arm" -> {
                if (v == null || v.equals("7")) {
                    v = "v7";
                } else if (v.matches("[5-8]")) {
                    v = "v" + v;
                }
            }
            default -> {
            }
        }
        return new Platform(arch, os.toLowerCase(Locale.ROOT), osVersion, osFeatures, v);
    }

    /** Whether both platforms are the same once normalised (OS version and features ignored). */
    public boolean matches(Platform other) {
        Platform a = normalize();
        Platform b = other.normalize();
        return a.os.equals(b.os) && a.architecture.equals(b.architecture)
                && java.util.Objects.equals(a.variant, b.variant);
    }

    /** {@code os/arch[/variant]}. */
    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
