package dev.shears.pruning.provence;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Token↔sentence alignment by per-sentence tokenization (algorithms.md §1.4 step 4): every sentence is
 * tokenized on its own, without special tokens, and every sentence after the first is tokenized as
 * {@code " " + sentence} so that tokenizers that mark word starts with a space (BPE, SentencePiece) see the
 * sentence as they saw it in running text; WordPiece ignores the space. Sentence {@code i} owns exactly the
 * tokens {@code tokens.get(i)}; no character offsets are needed.
 */
public record SentenceAlignment(List<long[]> tokens) {

    /** @param tokenize text → token ids without special tokens */
    public static SentenceAlignment of(List<String> sentences, Function<String, long[]> tokenize) {
        List<long[]> out = new ArrayList<>(sentences.size());
        for (int i = 0; i < sentences.size(); i++) {
            String s = sentences.get(i);
            if (s.isEmpty()) {
                out.add(new long[0]);
                continue;
            }
            boolean space = i > 0 && !Character.isWhitespace(s.charAt(0));
            out.add(tokenize.apply(space ? " " + s : s));
        }
        return new SentenceAlignment(List.copyOf(out));
    }

    public int size() {
        return tokens.size();
    }

    /** Token count of sentence {@code i}. */
    public int length(int i) {
        return tokens.get(i).length;
    }

    /** All sentences' tokens concatenated, with {@code [start, end)} of each sentence in {@code ranges}. */
    public long[] concatenated(int[][] ranges) {
        int n = 0;
        for (long[] t : tokens) {
            n += t.length;
        }
        long[] all = new long[n];
        int at = 0;
        for (int i = 0; i < tokens.size(); i++) {
            long[] t = tokens.get(i);
            System.arraycopy(t, 0, all, at, t.length);
            if (ranges != null) {
                ranges[i] = new int[] {at, at + t.length};
            }
            at += t.length;
        }
        return all;
    }
}
