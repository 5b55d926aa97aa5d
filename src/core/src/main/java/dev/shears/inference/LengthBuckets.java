package dev.shears.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Plans forward passes: sequences sorted by length and cut into batches of at most {@code maxBatchSize}
 * sequences and {@code maxBatchTokens} padded tokens (longest × count), so short sequences are not padded to
 * long ones. Ties keep input order, so the plan is deterministic.
 */
public final class LengthBuckets {

    private LengthBuckets() {}

    /** Each batch as indices into {@code lengths}, shortest batch first. */
    public static List<int[]> plan(int[] lengths, int maxBatchSize, int maxBatchTokens) {
        Integer[] order = new Integer[lengths.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
        List<int[]> batches = new ArrayList<>();
        int from = 0;
        while (from < order.length) {
            int to = from + 1;
            int longest = lengths[order[from]];
            while (to < order.length && to - from < maxBatchSize) {
                int candidate = Math.max(longest, lengths[order[to]]);
                if ((long) candidate * (to - from + 1) > maxBatchTokens) {
                    break;
                }
                longest = candidate;
                to++;
            }
            int[] batch = new int[to - from];
            for (int k = from; k < to; k++) {
                batch[k - from] = order[k];
            }
            batches.add(batch);
            from = to;
        }
        return batches;
    }
}
