package io.jbuild.builder;

import java.util.ArrayList;
import java.util.List;

/** A unified-style line diff of two snapshots (longest common subsequence), for test failure messages. */
public final class SnapshotDiff {
    private SnapshotDiff() {
    }

    /** Lines only in {@code expected} as {@code -line}, only in {@code actual} as {@code +line}, 2 lines of context. */
    public static String unified(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                ops.add(" " + a[i++]);
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add("-" + a[i++]);
            } else {
                ops.add("+" + b[j++]);
            }
        }
        StringBuilder out = new StringBuilder("--- expected\n+++ actual\n");
        int context = 2;
        int lastPrinted = -1;
        for (int k = 0; k < ops.size(); k++) {
            if (ops.get(k).charAt(0) == ' ') {
                continue;
            }
            int from = Math.max(lastPrinted + 1, k - context);
            if (lastPrinted >= 0 && from > lastPrinted + 1) {
                out.append("@@\n");
            }
            for (int m = from; m <= k; m++) {
                out.append(ops.get(m)).append('\n');
            }
            lastPrinted = k;
            int end = Math.min(ops.size() - 1, k + context);
            for (int m = k + 1; m <= end && ops.get(m).charAt(0) == ' '; m++) {
                out.append(ops.get(m)).append('\n');
                lastPrinted = m;
            }
        }
        return out.toString();
    }
}
