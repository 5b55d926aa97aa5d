package dev.shears.reasoning;

/**
 * One step with its verdict. {@code surprisal} is {@code -ln p(first token)} in nats (NaN when there is none),
 * or the mean over the step's tokens with {@link ReasoningOptions.StepStatistic#MEAN_TOKEN},
 * from the last scoring pass that saw the step; {@code removedBy} is null for kept steps, else {@code "coarse"}
 * (the anchor-guided stage) or {@code "surprisal"}.
 */
public record ScoredStep(int start, int end, String text, String firstToken, double surprisal, int tokens,
                         boolean kept, boolean isProtected, String removedBy) {}
