package dev.shears.reasoning;

/**
 * How much to keep and how.
 *
 * @param keepRatio      share of the chain's tokens to keep (ASAP's default 0.8), or null when {@code maxTokens} is set
 * @param maxTokens      token budget for the pruned chain, or null
 * @param mode           {@link Mode#GLOBAL} scores every step once on the whole chain (ASAP); {@link Mode#ITERATIVE}
 *                       re-scores on the kept chain after each removal (one model pass per removal)
 * @param generateAnchor have the scoring model write the anchor when none is given (needs a model that generates)
 * @param statistic      what ranks the steps: {@link StepStatistic#FIRST_TOKEN} (ASAP, the default) or
 *                       {@link StepStatistic#MEAN_TOKEN}
 */
public record ReasoningOptions(Double keepRatio, Integer maxTokens, Mode mode, boolean generateAnchor,
                               StepStatistic statistic) {

    public static final double DEFAULT_KEEP_RATIO = 0.8;

    public enum Mode { GLOBAL, ITERATIVE }

    /**
     * The per-step surprisal the steps are ranked by, lowest removed first. {@code FIRST_TOKEN}: {@code -ln p} of
     * the step's first token (ASAP). {@code MEAN_TOKEN}: the mean {@code -ln p} over the step's tokens, i.e. the
     * log of the step's perplexity (a SPIRIT-style baseline).
     */
    public enum StepStatistic { FIRST_TOKEN, MEAN_TOKEN }

    public ReasoningOptions {
        if (keepRatio != null && maxTokens != null) {
            throw new IllegalArgumentException("give keep_ratio or max_tokens, not both");
        }
        if (keepRatio != null && !(keepRatio > 0 && keepRatio <= 1)) {
            throw new IllegalArgumentException("keep_ratio must be in (0, 1], got " + keepRatio);
        }
        if (maxTokens != null && maxTokens < 0) {
            throw new IllegalArgumentException("max_tokens must be >= 0, got " + maxTokens);
        }
        if (keepRatio == null && maxTokens == null) {
            keepRatio = DEFAULT_KEEP_RATIO;
        }
        mode = mode == null ? Mode.GLOBAL : mode;
        statistic = statistic == null ? StepStatistic.FIRST_TOKEN : statistic;
    }

    public ReasoningOptions(Double keepRatio, Integer maxTokens, Mode mode, boolean generateAnchor) {
        this(keepRatio, maxTokens, mode, generateAnchor, StepStatistic.FIRST_TOKEN);
    }

    public static ReasoningOptions defaults() {
        return new ReasoningOptions(null, null, Mode.GLOBAL, false);
    }

    public static ReasoningOptions keep(double ratio) {
        return new ReasoningOptions(ratio, null, Mode.GLOBAL, false);
    }

    public ReasoningOptions withMode(Mode mode) {
        return new ReasoningOptions(keepRatio, maxTokens, mode, generateAnchor, statistic);
    }

    public ReasoningOptions withStatistic(StepStatistic statistic) {
        return new ReasoningOptions(keepRatio, maxTokens, mode, generateAnchor, statistic);
    }

    /** The token budget for a chain of {@code tokensBefore} tokens. */
    int budget(int tokensBefore) {
        return maxTokens != null ? maxTokens : (int) Math.floor(keepRatio * tokensBefore);
    }
}
