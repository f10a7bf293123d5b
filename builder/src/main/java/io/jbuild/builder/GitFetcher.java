package io.jbuild.builder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ADD of a git repository ({@code https://host/repo.git#ref:subdir}, {@code git@host:repo},
 * {@code ssh://}, {@code git://}) with the {@code git} command: cloned into a temporary directory,
 * the ref (branch, tag or commit; the remote's HEAD when none) checked out with submodules, the
 * commit verified against {@code --checksum}, and the checkout (or its subdirectory) copied into
 * the destination, without {@code .git} unless {@code --keep-git-dir}. Files are owned by root.
 */
final class GitFetcher {
    private static final long TIMEOUT_MINUTES = 30;

    void fetch(CopyRequest request, String src, FileCopier.Destination dest, Path target)
            throws BuildException, InterruptedException {
        RemoteSources.GitRef ref = RemoteSources.GitRef.parse(src);
        boolean keepGitDir = request.keepGitDir();
        if (ref.keepGitDir() != null) {
            keepGitDir = ref.keepGitDir();
        }
        String checksum = request.checksum();
        if (checksum != null && ref.checksum() != null && !checksum.equals(ref.checksum())) {
            throw new BuildException("add " + src + ": checksum mismatch " + FileCopier.quote(checksum) + " != "
                    + FileCopier.quote(ref.checksum()));
        }
        if (checksum == null) {
            checksum = ref.checksum();
        }
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("jbuild-git");
            Path repo = tmp.resolve("repo");
            git(src, tmp, "clone", "--quiet", "--no-checkout", "--", ref.remote(), repo.toString());
            String commit = resolveCommit(src, repo, ref.ref());
            if (checksum != null && !commit.startsWith(checksum.toLowerCase(java.util.Locale.ROOT))) {
                throw new BuildException("add " + src + ": expected checksum to match " + checksum + ", got "
                        + commit);
            }
            git(src, repo, "-c", "advice.detachedHead=false", "checkout", "--quiet", commit);
            if (Files.exists(repo.resolve(".gitmodules"))) {
                git(src, repo, "submodule", "update", "--quiet", "--init", "--recursive");
            }
            Path top = repo;
            if (ref.subdir() != null) {
                top = RootPaths.resolve(repo.toRealPath(), ref.subdir(), true);
                if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
                    throw new BuildException("add " + src + ": subdirectory " + FileCopier.quote(ref.subdir())
                            + " not found in the repository");
                }
            } else if (!keepGitDir) {
                StepMount.deleteQuietly(repo.resolve(".git"));
            }
            Path destPath = FileCopier.prepareDestination(request, dest, target);
            new TreeCopier(top, null, null, null, request.uid(), request.gid(), true, request.chmod())
                    .copy(top, top.getFileName().toString(), destPath, true);
        } catch (IOException e) {
            throw new BuildException("add " + src + " to " + dest + ": " + FileCopier.strip(e.getMessage(), target,
                    target), e);
        } finally {
            StepMount.deleteQuietly(tmp);
        }
    }

    private static String resolveCommit(String src, Path repo, String ref) throws BuildException,
            InterruptedException, IOException {
        List<String> candidates = new ArrayList<>();
        if (ref == null) {
            candidates.add("origin/HEAD");
            candidates.add("HEAD");
        } else {
            if (ref.startsWith("refs/heads/")) {
                candidates.add("refs/remotes/origin/" + ref.substring("refs/heads/".length()));
            } else if (ref.startsWith("refs/")) {
                candidates.add(ref);
            } else {
                candidates.add("refs/remotes/origin/" + ref);
                candidates.add("refs/tags/" + ref);
                candidates.add(ref);
            }
        }
        for (String candidate : candidates) {
            Result r = run(repo, "rev-parse", "--verify", "--quiet", candidate + "^{commit}");
            if (r.exit == 0 && !r.output.isBlank()) {
                return r.output.strip();
            }
        }
        throw new BuildException("add " + src + ": ref " + FileCopier.quote(ref == null ? "HEAD" : ref)
                + " not found in the repository");
    }

    private static void git(String src, Path dir, String... args) throws BuildException, InterruptedException,
            IOException {
        Result r = run(dir, args);
        if (r.exit != 0) {
            throw new BuildException("add " + src + ": git " + args[0] + " failed: " + r.output.strip());
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                throw new IOException("git " + args[0] + " timed out");
            }
            return new Result(p.exitValue(), out);
        } finally {
            p.destroy();
        }
    }
}
