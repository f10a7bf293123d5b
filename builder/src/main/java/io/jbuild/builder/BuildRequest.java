package io.jbuild.builder;

import io.jbuild.layerstore.LayerWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a build needs to know, as {@code jbuild build} (or a plugin goal) was asked.
 *
 * @param contextDir the build context directory
 * @param dockerfile the Dockerfile (null: {@code contextDir/Dockerfile})
 * @param dockerfileContent the Dockerfile's bytes when read from standard input, else null
 * @param tags names to store (and push) the result under
 * @param buildArgs {@code --build-arg} values
 * @param target the stage to build (null: the last)
 * @param platform the target platform ({@code os/arch[/variant]}), null for the host's
 * @param noCache rebuild every step
 * @param pull pull base images even when the store has them
 * @param network the default network of RUN steps
 * @param secrets {@code --secret} sources
 * @param ssh {@code --ssh} agent sockets by id
 * @param outputs where to write the result besides the store
 * @param runtime the OCI runtime binary, null to autodetect
 * @param sourceDateEpoch {@code SOURCE_DATE_EPOCH}: created times and file mtimes clamped, null for now
 * @param iidFile where to write the image id (config digest), null for nowhere
 * @param metadataFile where to write BuildKit's metadata JSON, null for nowhere
 * @param labels {@code --label} values added to the image config
 * @param verifier checks registry base images before use (null: none)
 * @param cache {@code --no-cache-filter}, {@code --cache-from}, {@code --cache-to}, {@code --explain-cache}
 * @param compression how the layers the build writes are compressed (null: gzip); base image
 *     layers stay as pulled
 */
public record BuildRequest(Path contextDir, Path dockerfile, byte[] dockerfileContent, List<String> tags,
                           Map<String, String> buildArgs, String target, String platform, boolean noCache,
                           boolean pull, NetworkMode network, List<SecretSource> secrets, Map<String, Path> ssh,
                           List<BuildOutput> outputs, Path runtime, Long sourceDateEpoch, Path iidFile,
                           Path metadataFile, Map<String, String> labels, ImageVerifier verifier,
                           CacheOptions cache, LayerWriter.Compression compression) {
    public BuildRequest {
        cache = cache == null ? CacheOptions.DEFAULT : cache;
        Objects.requireNonNull(contextDir, "contextDir");
        tags = List.copyOf(tags);
        buildArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buildArgs));
        Objects.requireNonNull(network, "network");
        secrets = List.copyOf(secrets);
        ssh = Map.copyOf(ssh);
        outputs = List.copyOf(outputs);
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        compression = compression == null ? LayerWriter.Compression.GZIP : compression;
    }

    /** A request with the default cache options. */
    public BuildRequest(Path contextDir, Path dockerfile, byte[] dockerfileContent, List<String> tags,
                        Map<String, String> buildArgs, String target, String platform, boolean noCache,
                        boolean pull, NetworkMode network, List<SecretSource> secrets, Map<String, Path> ssh,
                        List<BuildOutput> outputs, Path runtime, Long sourceDateEpoch, Path iidFile,
                        Path metadataFile, Map<String, String> labels, ImageVerifier verifier) {
        this(contextDir, dockerfile, dockerfileContent, tags, buildArgs, target, platform, noCache, pull, network,
                secrets, ssh, outputs, runtime, sourceDateEpoch, iidFile, metadataFile, labels, verifier,
                CacheOptions.DEFAULT, null);
    }

    public static Builder builder(Path contextDir) {
        return new Builder(contextDir);
    }

    /** The Dockerfile path used in messages and for {@code <Dockerfile>.dockerignore}. */
    public Path dockerfilePath() {
        return dockerfile != null ? dockerfile : contextDir.resolve("Dockerfile");
    }

    /** Fills a {@link BuildRequest}; everything but the context is optional. */
    public static final class Builder {
        private final Path contextDir;
        private Path dockerfile;
        private byte[] dockerfileContent;
        private final List<String> tags = new ArrayList<>();
        private final Map<String, String> buildArgs = new LinkedHashMap<>();
        private String target;
        private String platform;
        private boolean noCache;
        private boolean pull;
        private NetworkMode network = NetworkMode.DEFAULT;
        private final List<SecretSource> secrets = new ArrayList<>();
        private final Map<String, Path> ssh = new LinkedHashMap<>();
        private final List<BuildOutput> outputs = new ArrayList<>();
        private Path runtime;
        private Long sourceDateEpoch;
        private Path iidFile;
        private Path metadataFile;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private ImageVerifier verifier;
        private final java.util.Set<String> noCacheFilter = new java.util.LinkedHashSet<>();
        private final List<CacheSpec> cacheFrom = new ArrayList<>();
        private final List<CacheSpec> cacheTo = new ArrayList<>();
        private boolean explainCache;
        private LayerWriter.Compression compression;

        private Builder(Path contextDir) {
            this.contextDir = contextDir;
        }

        public Builder dockerfile(Path file) {
            this.dockerfile = file;
            return this;
        }

        public Builder dockerfileContent(byte[] content) {
            this.dockerfileContent = content;
            return this;
        }

        public Builder tag(String tag) {
            tags.add(tag);
            return this;
        }

        public Builder tags(List<String> values) {
            tags.addAll(values);
            return this;
        }

        public Builder buildArg(String key, String value) {
            buildArgs.put(key, value);
            return this;
        }

        public Builder buildArgs(Map<String, String> values) {
            buildArgs.putAll(values);
            return this;
        }

        public Builder target(String stage) {
            this.target = stage;
            return this;
        }

        public Builder platform(String value) {
            this.platform = value;
            return this;
        }

        public Builder noCache(boolean value) {
            this.noCache = value;
            return this;
        }

        public Builder pull(boolean value) {
            this.pull = value;
            return this;
        }

        public Builder network(NetworkMode value) {
            this.network = value;
            return this;
        }

        public Builder secret(SecretSource secret) {
            secrets.add(secret);
            return this;
        }

        public Builder ssh(String id, Path socket) {
            ssh.put(id, socket);
            return this;
        }

        public Builder output(BuildOutput output) {
            outputs.add(output);
            return this;
        }

        public Builder runtime(Path binary) {
            this.runtime = binary;
            return this;
        }

        public Builder sourceDateEpoch(Long epochSeconds) {
            this.sourceDateEpoch = epochSeconds;
            return this;
        }

        public Builder iidFile(Path file) {
            this.iidFile = file;
            return this;
        }

        public Builder metadataFile(Path file) {
            this.metadataFile = file;
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder verifier(ImageVerifier value) {
            this.verifier = value;
            return this;
        }

        /** {@code --no-cache-filter STAGE}: the steps of this stage (name or index) run again. */
        public Builder noCacheFilter(String stage) {
            noCacheFilter.add(stage);
            return this;
        }

        public Builder cacheFrom(CacheSpec spec) {
            cacheFrom.add(spec);
            return this;
        }

        public Builder cacheTo(CacheSpec spec) {
            cacheTo.add(spec);
            return this;
        }

        /** {@code --explain-cache}: say for every step whether it would hit, build nothing. */
        public Builder explainCache(boolean value) {
            this.explainCache = value;
            return this;
        }

        public Builder compression(LayerWriter.Compression value) {
            this.compression = value;
            return this;
        }

        public BuildRequest build() {
            return new BuildRequest(contextDir, dockerfile, dockerfileContent, tags, buildArgs, target, platform,
                    noCache, pull, network, secrets, ssh, outputs, runtime, sourceDateEpoch, iidFile, metadataFile,
                    labels, verifier, new CacheOptions(noCacheFilter, cacheFrom, cacheTo, explainCache),
                    compression);
        }
    }
}
