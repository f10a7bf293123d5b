package io.jbuild.dockerfile;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Feeds random and mutated Dockerfiles through every pass and asserts that each outcome is a result
 * or a {@link DockerfileException}: never an unchecked exception, never a hang. Deterministic (fixed
 * seeds), so a failure names the input that caused it and reproduces.
 */
class DockerfileFuzzTest {
    private static final int INPUTS = 100_000;

    private static final String[] TOKENS = {
        "FROM ", "RUN ", "CMD ", "LABEL ", "MAINTAINER ", "EXPOSE ", "ENV ", "ADD ", "COPY ", "ENTRYPOINT ",
        "VOLUME ", "USER ", "WORKDIR ", "ARG ", "ONBUILD ", "STOPSIGNAL ", "HEALTHCHECK ", "SHELL ", "RUNN ",
        "\n", "\r\n", "\\\n", "`\n", "\\", "`", " ", "\t", "#", "# escape=`\n", "# syntax=x\n", "# check=skip=all\n",
        "<<EOF\n", "<<-EOF\n", "<<'EOF'\n", "<<\"EOF\"", "EOF\n", "3<<EOF", "<<", "[", "]", "[\"a\", \"b\"]", "\"",
        "'", "$", "${", "}", "${a:-b}", "${a:?x}", "${a#*}", "${a//x/y}", "$1", "=", "--", "--from=", "--mount=",
        "type=cache,target=/x", "type=secret,id=s", "type=bind,from=a,source=/", "--chmod=", "755", "u+x",
        "--chown=", "1:1", "--platform=$BUILDPLATFORM", " AS ", "stage", "--link", "--parents", "--exclude=*.x",
        "--checksum=sha256:", "--network=none", "--security=insecure", "--interval=5s", "NONE", "CMD", "\u0000",
        "\u00e9", "\uFEFF", "한국어", "--retries=3", "--keep-git-dir", "--unpack", "0", "*", "?", "/", "..",
    };

    @Test
    void fuzz_randomAndMutatedInputs_yieldResultOrDockerfileException() throws IOException {
        List<byte[]> seeds = seeds();
        assertTrue(seeds.size() > 30, "seed corpus too small: " + seeds.size());
        SplittableRandom random = new SplittableRandom(20261123L);
        int parsed = 0;
        int rejected = 0;
        long deadline = System.nanoTime() + 240_000_000_000L;
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = switch (i % 4) {
                case 0 -> tokens(random);
                case 1 -> mutate(seeds.get(random.nextInt(seeds.size())), random);
                case 2 -> splice(seeds.get(random.nextInt(seeds.size())), seeds.get(random.nextInt(seeds.size())),
                        random);
                default -> randomBytes(random);
            };
            if (runAllPasses(input)) {
                parsed++;
            } else {
                rejected++;
            }
            if (System.nanoTime() > deadline) {
                fail("fuzzing took over 240 s after " + i + " inputs; a pass is too slow");
            }
        }
        assertTrue(parsed > INPUTS / 20, "too few inputs parsed to be a useful fuzz: " + parsed);
        assertTrue(rejected > INPUTS / 20, "too few inputs rejected to be a useful fuzz: " + rejected);
    }

    private static final String[] PATHS = {"a", "a/b", "dir/file.txt", "x/y/z/.hidden", "a*b", "[x]", "é/☺"};

    /** Returns true when every pass accepted the input, false on a DockerfileException; fails otherwise. */
    static boolean runAllPasses(byte[] input) {
        try {
            // the same bytes as a .dockerignore file
            PatternMatcher pm = IgnoreFile.matcher(".dockerignore", input);
            for (String path : PATHS) {
                pm.matchesUsingParentResults(path, pm.matchesUsingParentResults("a", PatternMatcher.MatchInfo.NONE)
                        .info());
                pm.matchesOrParentMatches(path);
            }
        } catch (DockerfileException ignored) {
            // a located error: fine
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("unchecked " + e + " for .dockerignore input " + describe(input), e);
        }
        try {
            ParseResult result = DockerfileParser.parse("Dockerfile", input);
            FuzzPasses.afterParse(result);
            for (Node node : result.nodes()) {
                expandWords(node);
            }
            return true;
        } catch (DockerfileException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                fail("empty error message for input " + describe(input));
            }
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("unchecked " + e + " for input " + describe(input), e);
        }
    }

    private static void expandWords(Node node) throws DockerfileException {
        ShellLexer lexer = new ShellLexer('\\');
        for (String arg : node.args()) {
            try {
                lexer.processWord(arg, FuzzPasses.ENV);
                lexer.processWords(arg, FuzzPasses.ENV);
            } catch (ShellExpansionException ignored) {
                // a located error in real use; here only the absence of unchecked exceptions matters
            }
        }
    }

    private static String describe(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        return "(" + input.length + " bytes) hex=" + HexFormat.of().formatHex(input, 0, Math.min(input.length, 400))
                + " text=" + text.substring(0, Math.min(text.length(), 400));
    }

    private static byte[] tokens(SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(40);
        if (random.nextInt(3) > 0) {
            sb.append("FROM busybox\n");
        }
        for (int k = 0; k < n; k++) {
            sb.append(TOKENS[random.nextInt(TOKENS.length)]);
            if (random.nextInt(4) == 0) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] mutate(byte[] seed, SplittableRandom random) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(8);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int pos = random.nextInt(b.length);
            switch (random.nextInt(4)) {
                case 0 -> b[pos] = (byte) random.nextInt(256);
                case 1 -> b[pos] = (byte) "\\`\n\"'[]{}$<-=# \t".charAt(random.nextInt(16));
                case 2 -> {
                    byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                    byte[] out = new byte[b.length + token.length];
                    System.arraycopy(b, 0, out, 0, pos);
                    System.arraycopy(token, 0, out, pos, token.length);
                    System.arraycopy(b, pos, out, pos + token.length, b.length - pos);
                    b = out;
                }
                default -> {
                    int len = Math.min(b.length - pos, 1 + random.nextInt(16));
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, pos);
                    System.arraycopy(b, pos + len, out, pos, b.length - pos - len);
                    b = out;
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] a, byte[] b, SplittableRandom random) {
        int cutA = a.length == 0 ? 0 : random.nextInt(a.length);
        int cutB = b.length == 0 ? 0 : random.nextInt(b.length);
        byte[] out = new byte[cutA + (b.length - cutB)];
        System.arraycopy(a, 0, out, 0, cutA);
        System.arraycopy(b, cutB, out, cutA, b.length - cutB);
        return out;
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] b = new byte[random.nextInt(200)];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (random.nextInt(3) == 0 ? random.nextInt(256) : "FROMRUN \n\\\"[]$:=-".charAt(
                    random.nextInt(17)));
        }
        return b;
    }

    private static List<byte[]> seeds() throws IOException {
        String prop = System.getProperty("jbuild.conformance");
        Path conformance = prop != null ? Path.of(prop) : Path.of("..", "..", "shared", "conformance");
        List<byte[]> seeds = new ArrayList<>();
        for (String sub : List.of("buildkit-parser/testfiles", "buildkit-parser/testfiles-negative")) {
            try (Stream<Path> dirs = Files.list(conformance.resolve(sub))) {
                for (Path dir : dirs.sorted().toList()) {
                    seeds.add(Files.readAllBytes(dir.resolve("Dockerfile")));
                }
            }
        }
        for (String f : List.of("buildkit-parser/heredoc/Dockerfile", "buildkit-parser/warnings/Dockerfile",
                "buildkit-parser/testfile-line/Dockerfile")) {
            seeds.add(Files.readAllBytes(conformance.resolve(f)));
        }
        return seeds;
    }
}
