package io.jbuild.registry;

import io.jbuild.layerstore.BlobSource;
import io.jbuild.layerstore.BlobStore;
import io.jbuild.layerstore.Descriptor;
import io.jbuild.layerstore.Digest;
import io.jbuild.layerstore.ImageReference;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Client of the OCI distribution API. Each method is one endpoint (see the package-private
 * classes it composes); {@link Puller} and {@link Pusher} build whole-image transfers on top.
 * Repositories are named by an {@link ImageReference} whose tag or digest is ignored where only
 * the repository matters. Thread-safe.
 */
public final class RegistryClient {
    private final RegistryTransport transport;
    private final BlobUploader.Options uploadOptions;

    private RegistryClient(RegistryTransport transport, BlobUploader.Options uploadOptions) {
        this.transport = transport;
        this.uploadOptions = uploadOptions;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a client. */
    public static final class Builder {
        private CredentialProvider credentials = CredentialProvider.anonymous();
        private final Set<String> insecure = new HashSet<>();
        private final Set<String> plainHttp = new HashSet<>();
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Duration requestTimeout = Duration.ofMinutes(10);
        private Duration connectTimeout = Duration.ofSeconds(30);
        private boolean monolithicPost;
        private long chunkSize;
        private java.time.Clock clock = java.time.Clock.systemUTC();

        /** The clock token expiry is judged by (tests). */
        Builder clock(java.time.Clock newClock) {
            this.clock = newClock;
            return this;
        }

        public Builder credentials(CredentialProvider provider) {
            this.credentials = provider;
            return this;
        }

        /** Allows plain HTTP for this registry host (loopback hosts fall back to it anyway). */
        public Builder insecureRegistry(String registry) {
            insecure.add(registry);
            return this;
        }

        /** Speaks plain HTTP to this registry from the first request, without trying HTTPS. */
        public Builder plainHttpRegistry(String registry) {
            plainHttp.add(registry);
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retry = policy;
            return this;
        }

        /** The longest wait for a response's headers (request bodies are sent within it). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Tries {@code POST ?digest=} with the body first (the registry may answer 202: then the body goes in the PUT). */
        public Builder monolithicPost(boolean enabled) {
            this.monolithicPost = enabled;
            return this;
        }

        /** Uploads in chunks of this size (at least the registry's {@code OCI-Chunk-Min-Length}); 0: one streamed PATCH. */
        public Builder chunkSize(long bytes) {
            this.chunkSize = bytes;
            return this;
        }

        public RegistryClient build() {
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(connectTimeout)
                    .build();
            RegistryAuthenticator auth = new RegistryAuthenticator(http, credentials, clock);
            return new RegistryClient(new RegistryTransport(http, auth, retry, insecure, plainHttp, requestTimeout),
                    new BlobUploader.Options(monolithicPost, chunkSize));
        }
    }

    /** {@code GET /v2/}, authenticating if asked to. */
    public void ping(String registry) throws RegistryException {
        new ApiVersionCheck(transport).check(registry);
    }

    /** Fetches a manifest or index by tag or digest; the bytes are exact and digest-verified. */
    public RemoteManifest pullManifest(ImageReference ref) throws RegistryException {
        return new ManifestFetcher(transport).get(ref);
    }

    /** {@code HEAD} of a manifest: its descriptor, or empty when it does not exist. */
    public Optional<Descriptor> checkManifest(ImageReference ref) throws RegistryException {
        return new ManifestFetcher(transport).head(ref);
    }

    /**
     * Stores a manifest or index under the reference's tag or digest. For a manifest with a
     * {@code subject}, the referrers tag is updated when the registry does not index referrers itself.
     */
    public Descriptor pushManifest(ImageReference ref, String mediaType, byte[] bytes) throws RegistryException {
        ManifestUploader.Result result = new ManifestUploader(transport).put(ref, mediaType, bytes);
        Digest subject = ReferrersTagUpdater.subjectOf(bytes);
        if (subject != null && result.ociSubject() == null) {
            new ReferrersTagUpdater(transport).add(ref, subject,
                    ReferrersTagUpdater.referrerDescriptor(result.descriptor(), bytes));
        }
        return result.descriptor();
    }

    /**
     * Deletes a manifest (by digest; registries may refuse tags). A deleted manifest with a
     * {@code subject} is also removed from the subject's referrers tag when it is listed there.
     */
    public void deleteManifest(ImageReference ref) throws RegistryException {
        Digest subject = null;
        if (ref.digest() != null) {
            try {
                subject = ReferrersTagUpdater.subjectOf(new ManifestFetcher(transport).get(ref).bytes());
            } catch (NotFoundException e) {
                // the DELETE reports it
            }
        }
        new ManifestDeleter(transport).delete(ref);
        if (subject != null) {
            new ReferrersTagUpdater(transport).remove(ref, subject, ref.digest());
        }
    }

    /** {@code HEAD} of a blob: its size, or empty when the repository does not have it. */
    public OptionalLong checkBlob(ImageReference repository, Digest digest) throws RegistryException {
        return new BlobChecker(transport).check(repository, digest, Scope.pull(repository.repository()));
    }

    /** Downloads a blob into the store (resuming after dropped connections, verified); a stored blob is not fetched. */
    public Descriptor pullBlob(ImageReference repository, Descriptor blob, BlobStore store) throws RegistryException {
        return new BlobDownloader(transport).download(repository, blob, store);
    }

    /** {@link #pullBlob(ImageReference, Descriptor, BlobStore)} reporting received bytes to {@code progress}. */
    Descriptor pullBlob(ImageReference repository, Descriptor blob, BlobStore store, BlobProgress progress)
            throws RegistryException {
        return new BlobDownloader(transport).download(repository, blob, store, progress);
    }

    /** {@link #pushBlob(ImageReference, Descriptor, Path, String)} reporting sent bytes to {@code progress}. */
    boolean pushBlob(ImageReference repository, Descriptor blob, Path file, String mountFrom, BlobProgress progress)
            throws RegistryException {
        return new BlobUploader(transport).upload(repository, blob, UploadContent.of(file), mountFrom,
                uploadOptions, progress) == BlobUploader.Outcome.MOUNTED;
    }

    /**
     * Uploads a file as the blob {@code blob}; with {@code mountFrom} (another repository of the
     * same registry) a cross-repository mount is tried first. Returns whether the blob was mounted.
     */
    public boolean pushBlob(ImageReference repository, Descriptor blob, Path file, String mountFrom)
            throws RegistryException {
        return new BlobUploader(transport).upload(repository, blob, UploadContent.of(file), mountFrom,
                uploadOptions) == BlobUploader.Outcome.MOUNTED;
    }

    /** Uploads streamed content; retried only when the source is repeatable. */
    public boolean pushBlob(ImageReference repository, Descriptor blob, BlobSource source, String mountFrom)
            throws RegistryException {
        return new BlobUploader(transport).upload(repository, blob, UploadContent.of(source), mountFrom,
                uploadOptions) == BlobUploader.Outcome.MOUNTED;
    }

    public void deleteBlob(ImageReference repository, Digest digest) throws RegistryException {
        new BlobDeleter(transport).delete(repository, digest);
    }

    /** One page of tags: at most {@code n} ({@code n} < 0: no limit), after {@code last} (null: from the start). */
    public TagPage listTags(ImageReference repository, int n, String last) throws RegistryException {
        return new TagLister(transport).page(repository, n, last, null);
    }

    /** The page a previous page's {@code next} link names. */
    public TagPage nextTags(ImageReference repository, TagPage previous) throws RegistryException {
        if (previous.next().isEmpty()) {
            return new TagPage(List.of(), Optional.empty());
        }
        return new TagLister(transport).page(repository, -1, null, previous.next().get());
    }

    /** Every tag, following {@code Link} pagination. */
    public List<String> listAllTags(ImageReference repository) throws RegistryException {
        return new TagLister(transport).all(repository);
    }

    /** Manifests whose {@code subject} is {@code subject}, optionally of one artifact type (referrers API or tag fallback). */
    public List<Descriptor> referrers(ImageReference repository, Digest subject, String artifactType)
            throws RegistryException {
        return new ReferrersLister(transport).list(repository, subject, artifactType);
    }

    /** {@code Warning: 299} texts registries sent so far, deduplicated, for the user to see. */
    public Set<String> warnings() {
        return transport.warnings();
    }

    RegistryTransport transport() {
        return transport;
    }
}
