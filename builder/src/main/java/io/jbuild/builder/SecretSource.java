package io.jbuild.builder;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code --secret id=ID[,src=FILE|,env=VAR]} given to the build; read only while a RUN step that
 * mounts it runs, never stored.
 *
 * @param id the secret id RUN --mount=type=secret refers to
 * @param file the file holding it, null when it comes from an environment variable
 * @param envVariable the environment variable holding it, null when it comes from a file
 */
public record SecretSource(String id, Path file, String envVariable) {
    public SecretSource {
        Objects.requireNonNull(id, "id");
        if ((file == null) == (envVariable == null)) {
            throw new IllegalArgumentException("secret " + id + " needs exactly one of src= and env=");
        }
    }

    /** Parses {@code id=x,src=path}, {@code id=x,env=VAR}, {@code id=x} (env var or file named x) as BuildKit. */
    public static SecretSource parse(String text, Map<String, String> environment) {
        String id = null;
        String src = null;
        String env = null;
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            switch (key.trim()) {
                case "id":
                    id = value;
                    break;
                case "src":
                case "source":
                    src = value;
                    break;
                case "env":
                    env = value;
                    break;
                case "type":
                    if (!value.equals("file") && !value.equals("env")) {
                        throw new IllegalArgumentException("invalid --secret \"" + text + "\": unknown type " + value);
                    }
                    break;
                default:
                    throw new IllegalArgumentException("invalid --secret \"" + text + "\": unknown key \"" + key + "\"");
            }
        }
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("invalid --secret \"" + text + "\": id is missing");
        }
        if (src == null && env == null) {
            if (environment.containsKey(id)) {
                env = id;
            } else {
                src = id;
            }
        }
        return src != null ? new SecretSource(id, Path.of(src), null) : new SecretSource(id, null, env);
    }
}
