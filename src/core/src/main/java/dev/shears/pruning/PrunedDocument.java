package dev.shears.pruning;

import java.util.List;

/**
 * A document after pruning. {@code prunedText} is the concatenation of the kept sentences exactly as they
 * appear in the input (original order, original whitespace between them), without the last one's trailing
 * whitespace.
 */
public record PrunedDocument(
        int index,
        String id,
        double relevanceScore,
        int rank,
        String prunedText,
        List<ScoredSentence> sentences,
        int charsBefore,
        int charsAfter,
        int tokensBefore,
        int tokensAfter) {

    /** Share of characters removed, in [0, 1]. */
    public double compression() {
        return charsBefore == 0 ? 0 : 1.0 - (double) charsAfter / charsBefore;
    }
}
