package dev.shears.reasoning.voting;

/**
 * One sampled reasoning path: its completion text (PC counts identical texts once), its extracted answer
 * ({@code null} = none) and its mean token log-probability ℓ. The path probability is {@code exp(ℓ)} clamped to
 * [1e-12, 1]; a NaN ℓ is treated like −∞ (the floor).
 */
public record ReasoningPath(String text, String answer, double meanLogProb) {

    static final double MIN_PROBABILITY = 1e-12;

    /** {@code exp(ℓ)} clamped to [1e-12, 1]; NaN maps to the floor. */
    public double probability() {
        double p = Math.exp(meanLogProb);
        return Double.isNaN(p) ? MIN_PROBABILITY : Math.min(1, Math.max(MIN_PROBABILITY, p));
    }
}
