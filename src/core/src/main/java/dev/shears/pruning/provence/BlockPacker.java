package dev.shears.pruning.provence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Packs a long passage into model-sized blocks, each carrying the query (OpenProvence's procedure,
 * algorithms.md §1.4 step 5):
 * <ol>
 *   <li>every sentence's tokens are cut into fragments of at most {@code max(16, maxLength / 2)} tokens;</li>
 *   <li>fragments are packed greedily, in order, into blocks of capacity
 *       {@code maxLength − 2 − |query| − |sep|}; a fragment that does not fit closes the block and opens the
 *       next one; a fragment longer than the capacity is truncated to it (its tail is not scored);</li>
 *   <li>each block is {@code [CLS] query [SEP] fragment tokens [SEP]} (query first).</li>
 * </ol>
 * A query longer than {@code maxLength / 2} tokens is truncated to that length so every block has room for
 * context. Pure and deterministic.
 *
 * @param cls id of the leading special token
 * @param separator tokens between query and context (one [SEP] for BERT, two for RoBERTa-style pairs)
 * @param end id of the closing special token
 */
public record BlockPacker(int maxLength, long cls, long[] separator, long end) {

    public BlockPacker {
        if (maxLength < 8) {
            throw new IllegalArgumentException("max length must be at least 8, got " + maxLength);
        }
    }

    /** BERT layout: {@code [CLS] q [SEP] c [SEP]}. */
    public static BlockPacker bert(int maxLength, long cls, long sep) {
        return new BlockPacker(maxLength, cls, new long[] {sep}, sep);
    }

    /** Longest fragment a sentence is cut into. */
    public int fragmentLength() {
        return Math.max(16, maxLength / 2);
    }

    /** Context tokens one block can hold next to {@code queryLength} query tokens. */
    public int capacity(int queryLength) {
        return maxLength - 2 - Math.min(queryLength, maxQueryLength()) - separator.length;
    }

    public int maxQueryLength() {
        return maxLength / 2;
    }

    /**
     * A piece of one sentence placed in a block.
     *
     * @param sentence index of the sentence
     * @param offset position of the fragment's first token in the block's ids
     * @param length tokens of the fragment in the block (after any truncation)
     * @param truncatedTokens tokens of the fragment dropped because it was longer than a block's capacity
     */
    public record Fragment(int sentence, int offset, int length, int truncatedTokens) {}

    /** One model input with the fragments it scores. */
    public record Block(long[] ids, List<Fragment> fragments) {}

    public List<Block> pack(long[] query, SentenceAlignment sentences) {
        long[] q = query.length > maxQueryLength() ? Arrays.copyOf(query, maxQueryLength()) : query;
        int capacity = capacity(q.length);
        int fragmentLength = fragmentLength();
        List<Block> blocks = new ArrayList<>();
        List<long[]> pieces = new ArrayList<>();
        List<int[]> owners = new ArrayList<>(); // {sentence, truncated}
        int used = 0;
        for (int s = 0; s < sentences.size(); s++) {
            long[] tokens = sentences.tokens().get(s);
            for (int from = 0; from < tokens.length; from += fragmentLength) {
                int to = Math.min(tokens.length, from + fragmentLength);
                int len = to - from;
                int truncated = 0;
                if (len > capacity) {
                    truncated = len - capacity;
                    len = capacity;
                }
                if (used + len > capacity && used > 0) {
                    blocks.add(block(q, pieces, owners));
                    pieces.clear();
                    owners.clear();
                    used = 0;
                }
                pieces.add(Arrays.copyOfRange(tokens, from, from + len));
                owners.add(new int[] {s, truncated});
                used += len;
            }
        }
        if (!pieces.isEmpty()) {
            blocks.add(block(q, pieces, owners));
        }
        return blocks;
    }

    private Block block(long[] q, List<long[]> pieces, List<int[]> owners) {
        int context = pieces.stream().mapToInt(p -> p.length).sum();
        long[] ids = new long[1 + q.length + separator.length + context + 1];
        int at = 0;
        ids[at++] = cls;
        System.arraycopy(q, 0, ids, at, q.length);
        at += q.length;
        System.arraycopy(separator, 0, ids, at, separator.length);
        at += separator.length;
        List<Fragment> fragments = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            long[] p = pieces.get(i);
            fragments.add(new Fragment(owners.get(i)[0], at, p.length, owners.get(i)[1]));
            System.arraycopy(p, 0, ids, at, p.length);
            at += p.length;
        }
        ids[at] = end;
        return new Block(ids, List.copyOf(fragments));
    }
}
