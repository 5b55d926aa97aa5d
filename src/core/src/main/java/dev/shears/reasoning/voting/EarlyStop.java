package dev.shears.reasoning.voting;

import java.util.List;
import java.util.function.BiPredicate;

/**
 * Early stopping for paths sampled one at a time under a budget of N: stop once the current leader cannot be
 * overtaken by the N − m paths still to come, whatever they turn out to be.
 *
 * <p>Bounds: under {@link Method#SELF_CONSISTENCY} each unseen path adds at most one vote to one class; under
 * {@link Method#PERPLEXITY_CONSISTENCY} at most its probability, which is ≤ 1, to one class (an identical completion
 * adds nothing). Scores never decrease as paths arrive, so the leader is safe iff
 * {@code leader > runnerUp + (N − m)·1} (strictly: a tie could change the pick). A new class starts at 0, so the
 * runner-up is the worst case. This bound does not hold for RPC with pruning: refitting the mixture with more paths
 * can prune the leader's own paths, so no sound bound exists there; use the PC bound as an approximation.
 */
public final class EarlyStop {

    public enum Method { SELF_CONSISTENCY, PERPLEXITY_CONSISTENCY }

    /**
     * @param stop          true when the leader is decided (or the budget is spent)
     * @param leader        the current leader's answer (null when no path has an answer yet)
     * @param samplesSaved  N − m when stopping, else 0
     * @param leaderScore   the leader's score (votes or PC score)
     * @param runnerUpScore the best other class's score (0 if none)
     */
    public record Decision(boolean stop, String leader, int samplesSaved, double leaderScore, double runnerUpScore) {}

    private EarlyStop() {}

    public static Decision check(List<ReasoningPath> soFar, int budget, BiPredicate<String, String> equivalent, Method method) {
        int m = soFar.size();
        if (budget < m) throw new IllegalArgumentException("budget " + budget + " < paths seen " + m);
        int remaining = budget - m;
        List<List<Integer>> groups = AnswerGroups.group(soFar, equivalent);
        boolean[] none = new boolean[m];
        String leader = null;
        double first = 0, second = 0;
        for (List<Integer> g : groups) {
            double score = method == Method.SELF_CONSISTENCY ? g.size() : AnswerGroups.pcScore(soFar, g, none);
            if (leader == null || score > first) {
                second = leader == null ? 0 : first;
                first = score;
                leader = soFar.get(g.get(0)).answer();
            } else if (score > second) {
                second = score;
            }
        }
        boolean stop = remaining == 0 || (leader != null && first > second + remaining);
        return new Decision(stop, leader, stop ? remaining : 0, first, second);
    }
}
