package dev.shears.pruning;

/**
 * How much to keep.
 *
 * @param threshold minimum sentence score to keep a sentence; {@code null} = the model's default
 * @param topN keep sentences only in the {@code topN} most relevant documents; {@code null} = all
 * @param alwaysKeepTitle keep a document's leading heading (or, for a document without a title field, its
 *     first sentence) whenever any other sentence of it is kept
 * @param targetRatio keep at most this share of the request's tokens, best sentences first; {@code null} = no cap
 * @param tokenBudget keep at most this many tokens over the request, best sentences first; {@code null} = no cap
 */
public record PruningOptions(Double threshold, Integer topN, boolean alwaysKeepTitle, Double targetRatio, Integer tokenBudget) {

    public static PruningOptions defaults() {
        return new PruningOptions(null, null, false, null, null);
    }

    public PruningOptions {
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be within [0, 1], got " + threshold);
        }
        if (topN != null && topN < 1) {
            throw new IllegalArgumentException("top_n must be at least 1, got " + topN);
        }
        if (targetRatio != null && !(targetRatio > 0 && targetRatio <= 1)) {
            throw new IllegalArgumentException("target_ratio must be within (0, 1], got " + targetRatio);
        }
        if (tokenBudget != null && tokenBudget < 0) {
            throw new IllegalArgumentException("token_budget must not be negative, got " + tokenBudget);
        }
        if (targetRatio != null && tokenBudget != null) {
            throw new IllegalArgumentException("give either target_ratio or token_budget, not both");
        }
    }

    public PruningOptions withThreshold(double value) {
        return new PruningOptions(value, topN, alwaysKeepTitle, targetRatio, tokenBudget);
    }
}
