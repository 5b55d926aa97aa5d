package dev.shears.pruning;

import dev.shears.pruning.text.SpanKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which sentences survive, from scores alone: threshold, then top-N documents, then a request-wide
 * token cap (best sentences first, ties broken by position so the result is deterministic), then the title
 * rule. A pure function of its inputs.
 */
final class SentenceSelector {

    private SentenceSelector() {}

    /** Returns {@code kept[d][s]} for document d, sentence s. */
    static boolean[][] select(List<SplitDocument> docs, List<DocumentScores> scores, PruningOptions options,
            double threshold, int[] ranks) {
        boolean[][] kept = new boolean[docs.size()][];
        for (int d = 0; d < docs.size(); d++) {
            double[] s = scores.get(d).sentenceScores();
            kept[d] = new boolean[s.length];
            boolean inTopN = options.topN() == null || ranks[d] < options.topN();
            for (int i = 0; i < s.length && inTopN; i++) {
                kept[d][i] = s[i] >= threshold;
            }
        }
        Integer budget = tokenCap(scores, options);
        if (budget != null) {
            applyCap(kept, scores, budget);
        }
        if (options.alwaysKeepTitle()) {
            for (int d = 0; d < docs.size(); d++) {
                keepTitle(docs.get(d), kept[d]);
            }
        }
        return kept;
    }

    private static Integer tokenCap(List<DocumentScores> scores, PruningOptions options) {
        if (options.tokenBudget() != null) {
            return options.tokenBudget();
        }
        if (options.targetRatio() != null) {
            long total = 0;
            for (DocumentScores s : scores) {
                for (int t : s.sentenceTokens()) {
                    total += t;
                }
            }
            return (int) Math.floor(total * options.targetRatio());
        }
        return null;
    }

    private record Candidate(int doc, int sentence, double score, int tokens) {}

    private static void applyCap(boolean[][] kept, List<DocumentScores> scores, int budget) {
        List<Candidate> candidates = new ArrayList<>();
        for (int d = 0; d < kept.length; d++) {
            for (int i = 0; i < kept[d].length; i++) {
                if (kept[d][i]) {
                    DocumentScores s = scores.get(d);
                    candidates.add(new Candidate(d, i, s.sentenceScores()[i], s.sentenceTokens()[i]));
                    kept[d][i] = false;
                }
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::score).reversed()
                .thenComparingInt(Candidate::doc)
                .thenComparingInt(Candidate::sentence));
        int used = 0;
        for (Candidate c : candidates) {
            if (used + c.tokens() <= budget) {
                kept[c.doc()][c.sentence()] = true;
                used += c.tokens();
            }
        }
    }

    /** The title (a leading heading, or the first sentence of an untitled document) rides along with any kept sentence. */
    private static void keepTitle(SplitDocument doc, boolean[] kept) {
        if (kept.length < 2) {
            return;
        }
        boolean titleLike = doc.sentences().get(0).kind() == SpanKind.HEADING || !doc.document().hasTitle();
        if (!titleLike) {
            return;
        }
        for (int i = 1; i < kept.length; i++) {
            if (kept[i]) {
                kept[0] = true;
                return;
            }
        }
    }
}
