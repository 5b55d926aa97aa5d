package dev.shears.lm;

/**
 * Score {@code continuation} given {@code prompt}: log-probabilities of the continuation's tokens, conditioned on
 * the prompt. An empty prompt scores the whole continuation: from its first token when the model has a BOS token
 * (prepended), otherwise the first token has no log-prob ({@link Double#NaN}).
 */
public record ScoringRequest(String prompt, String continuation) {
    public ScoringRequest {
        prompt = prompt == null ? "" : prompt;
        continuation = continuation == null ? "" : continuation;
    }

    /** Score a whole text with nothing before it. */
    public static ScoringRequest of(String text) {
        return new ScoringRequest("", text);
    }
}
