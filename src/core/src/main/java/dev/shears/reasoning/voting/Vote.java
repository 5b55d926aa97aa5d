package dev.shears.reasoning.voting;

import java.util.List;

/**
 * The outcome of RPC voting.
 *
 * @param answer          the selected answer (the top class's representative), null when no path has an answer
 * @param confidence      the selected class's normalised PC confidence (0 when no path has an answer)
 * @param answers         every answer class, by probability descending; equal scores: the class whose first path came first
 * @param pruned          paths that do not vote, by index: no answer, or low probability (reasoning pruning)
 * @param selfConsistency SC baseline: the largest class, confidence = its size / answered paths
 * @param perplexity      PPL baseline: the answer of the answered path with the largest ℓ, confidence = exp(ℓ)
 * @param fit             the Weibull mixture, null when not fitted (then nothing is pruned for low probability)
 * @param fitNote         why the mixture was or was not fitted, and any fallback taken
 */
public record Vote(String answer, double confidence, List<AnswerClass> answers, List<PrunedPath> pruned,
                   Baseline selfConsistency, Baseline perplexity, WeibullFit fit, String fitNote) {

    public Vote {
        answers = List.copyOf(answers);
        pruned = List.copyOf(pruned);
    }

    /** The classes whose score equals the winner's exactly (the winner first); size > 1 means the pick was a tie. */
    public List<AnswerClass> tied() {
        if (answers.isEmpty()) return List.of();
        double top = answers.get(0).score();
        return answers.stream().filter(c -> c.score() == top).toList();
    }
}
