package dev.shears.pruning.provence;

/**
 * What the dual-head model says about one passage, aggregated to sentences.
 *
 * @param meanScores per sentence: mean over its fragments of the fragment's mean token keep-probability,
 *     clipped to [0, 1] (0 for a sentence without tokens)
 * @param sentenceScores per sentence: the critical threshold of the model's {@link SentenceRounding}: the
 *     sentence is kept at threshold {@code T} iff {@code T < sentenceScores[i]}
 * @param tokenProbs per sentence: the keep-probabilities of its scored tokens, in order
 * @param rankLogit the best (maximum) rank logit over the passage's blocks; {@code NaN} when it had no tokens
 * @param blocks number of model blocks the passage took
 * @param titleFirst whether sentence 0 is a title sentence (kept only with another sentence)
 */
public record PassageScores(double[] meanScores, double[] sentenceScores, double[][] tokenProbs, double rankLogit,
        int blocks, boolean titleFirst) {

    public int size() {
        return sentenceScores.length;
    }

    /** Sentence decisions at threshold {@code t}, title rule applied. */
    public boolean[] keep(double t) {
        boolean[] kept = new boolean[size()];
        boolean other = false;
        for (int i = 0; i < kept.length; i++) {
            kept[i] = t < sentenceScores[i];
            if (kept[i] && (i > 0 || !titleFirst)) {
                other = true;
            }
        }
        if (titleFirst && kept.length > 0) {
            kept[0] = other;
        }
        return kept;
    }

    /**
     * Document relevance on the given scale: the max-over-blocks rank logit (or its sigmoid); on the sigmoid
     * scale 0 when nothing is kept (OpenProvence's {@code zero_score_when_empty}); 0 for a passage without tokens.
     */
    public double relevance(ScoreScale scale, boolean[] kept) {
        if (Double.isNaN(rankLogit)) {
            return 0;
        }
        if (scale == ScoreScale.SIGMOID && kept != null) {
            boolean any = false;
            for (int i = 0; i < kept.length; i++) {
                any |= kept[i] && (i > 0 || !titleFirst);
            }
            if (!any) {
                return 0;
            }
        }
        return scale.apply(rankLogit);
    }
}
