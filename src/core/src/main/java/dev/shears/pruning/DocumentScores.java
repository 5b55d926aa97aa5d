package dev.shears.pruning;

/**
 * What a {@link RelevanceModel} says about one document: a score in [0, 1] per sentence (higher = more
 * needed to answer the query), the sentence's length in model tokens, and optionally the document's own
 * relevance score from a model that has one (a reranking head); {@code null} when the model has none.
 */
public record DocumentScores(double[] sentenceScores, int[] sentenceTokens, Double documentRelevance) {

    public DocumentScores {
        if (sentenceScores.length != sentenceTokens.length) {
            throw new IllegalStateException("score and token counts differ: " + sentenceScores.length + " vs "
                    + sentenceTokens.length + ", this is a bug");
        }
    }

    /** Scores of a model without a document-level score. */
    public DocumentScores(double[] sentenceScores, int[] sentenceTokens) {
        this(sentenceScores, sentenceTokens, null);
    }

    /**
     * The document's relevance: the model's document score when it gave one, else its best sentence's score
     * (0 for an empty document).
     */
    public double relevance() {
        if (documentRelevance != null) {
            return documentRelevance;
        }
        double best = 0;
        for (double s : sentenceScores) {
            best = Math.max(best, s);
        }
        return best;
    }

    /** The best sentence score among the sentences that start within the first {@code maxTokens} tokens (0 if none). */
    public double bestSentenceWithin(int maxTokens) {
        double best = 0;
        int seen = 0;
        for (int i = 0; i < sentenceScores.length && seen < maxTokens; i++) {
            best = Math.max(best, sentenceScores[i]);
            seen += sentenceTokens[i];
        }
        return best;
    }
}
