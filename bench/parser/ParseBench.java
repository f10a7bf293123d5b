import io.jbuild.dockerfile.BuildOptions;
import io.jbuild.dockerfile.BuildPlanner;
import io.jbuild.dockerfile.DockerfileParser;
import io.jbuild.dockerfile.InstructionParser;
import io.jbuild.dockerfile.ParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Times jbuild's Dockerfile parsing of one file (all three passes: AST, typed instructions, build plan): the first (cold) parse in a fresh JVM, then the
 * median and best of repeated warm parses. Run by bench/parse.sh; prints one line a figure.
 */
public class ParseBench {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        byte[] content = Files.readAllBytes(file);
        long t0 = System.nanoTime();
        ParseResult first = parseAll(content);
        long cold = System.nanoTime() - t0;
        long[] warm = new long[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            parseAll(content);
            warm[i] = System.nanoTime() - s;
        }
        Arrays.sort(warm);
        System.out.printf("jbuild instructions=%d bytes=%d cold_ms=%.1f warm_median_ms=%.2f warm_best_ms=%.2f%n",
                first.nodes().size(), content.length, cold / 1e6, warm[runs / 2] / 1e6, warm[0] / 1e6);
    }

    static ParseResult parseAll(byte[] content) throws Exception {
        ParseResult result = DockerfileParser.parse("Dockerfile", content);
        BuildPlanner.plan(InstructionParser.parse(result), BuildOptions.defaults());
        return result;
    }
}
