package dev.shears.pruning;

import java.util.List;

/** Pruned documents in input order plus request totals. */
public record PruningResult(String model, double threshold, List<PrunedDocument> documents) {

    public int charsBefore() {
        return documents.stream().mapToInt(PrunedDocument::charsBefore).sum();
    }

    public int charsAfter() {
        return documents.stream().mapToInt(PrunedDocument::charsAfter).sum();
    }

    public int tokensBefore() {
        return documents.stream().mapToInt(PrunedDocument::tokensBefore).sum();
    }

    public int tokensAfter() {
        return documents.stream().mapToInt(PrunedDocument::tokensAfter).sum();
    }

    public double compression() {
        int before = charsBefore();
        return before == 0 ? 0 : 1.0 - (double) charsAfter() / before;
    }
}
