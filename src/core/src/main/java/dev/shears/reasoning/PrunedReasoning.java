package dev.shears.reasoning;

import java.util.List;

/**
 * A pruned chain: {@code prunedReasoning} is the kept steps as they stand in the input, in order, each followed by
 * the separator it had (none after the last). Token counts come from the scoring pass over the whole chain, each
 * step counted with the separator after it.
 *
 * @param scorer the scoring model's id, or {@code "client"} for client-supplied log-probs
 * @param coarse what the anchor-guided stage did
 */
public record PrunedReasoning(String prunedReasoning, List<ScoredStep> steps, int tokensBefore, int tokensAfter,
                              int budget, String scorer, ReasoningOptions.Mode mode, Coarse coarse) {

    /**
     * @param outcome      {@code skipped} (no anchor), {@code accepted}, or {@code rejected} (the chain went to the fine
     *                     stage unchanged)
     * @param method       {@code model} (the model extracted) or {@code anchor-overlap}; null when skipped
     * @param stepsRemoved steps the stage removed when accepted
     * @param reason       why it was rejected or skipped
     */
    public record Coarse(String outcome, String method, int stepsRemoved, String reason) {
        static Coarse skipped(String reason) {
            return new Coarse("skipped", null, 0, reason);
        }
    }
}
