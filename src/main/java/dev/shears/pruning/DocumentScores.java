package dev.shears.pruning;

/**
 * What a {@link RelevanceModel} says about one document: a score in [0, 1] per sentence (higher = more
 * needed to answer the query) and the sentence's length in model tokens.
 */
public record DocumentScores(double[] sentenceScores, int[] sentenceTokens) {

    public DocumentScores {
        if (sentenceScores.length != sentenceTokens.length) {
            throw new IllegalStateException("score and token counts differ: " + sentenceScores.length + " vs "
                    + sentenceTokens.length + ", this is a bug");
        }
    }

    /** The document's relevance: its best sentence's score (0 for an empty document). */
    public double relevance() {
        double best = 0;
        for (double s : sentenceScores) {
            best = Math.max(best, s);
        }
        return best;
    }
}
