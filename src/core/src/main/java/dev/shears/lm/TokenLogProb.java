package dev.shears.lm;

/**
 * One token with its log-probability under a language model.
 *
 * <p>{@code start}/{@code end} are UTF-16 character offsets into the scored text (the continuation of a
 * {@link ScoringRequest}, or the generated text of a {@link Completion}). {@code logProb} is the natural-log
 * probability of the token given everything before it; it is {@link Double#NaN} for the first token of a
 * sequence that has nothing before it (empty prompt and no BOS token), since no distribution predicts it.
 */
public record TokenLogProb(int tokenId, String token, int start, int end, double logProb) {
    public TokenLogProb {
        if (token == null) {
            throw new IllegalArgumentException("token must not be null");
        }
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad offsets [" + start + ", " + end + ")");
        }
    }

    /** True when this token carries a log-probability (not the unpredicted first token). */
    public boolean hasLogProb() {
        return !Double.isNaN(logProb);
    }
}
