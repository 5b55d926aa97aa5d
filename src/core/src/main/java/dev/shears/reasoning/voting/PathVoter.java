package dev.shears.reasoning.voting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * RPC voting (Zhou et al., arXiv 2502.00511; {@code compute_rpc.py}): Reasoning Pruning drops paths whose probability
 * a two-component Weibull mixture assigns to the low component <em>and</em> that lie below the mean probability, then
 * Perplexity Consistency scores each answer class by the summed probability of its distinct completions.
 *
 * <p>The mixture and the mean {@code p̄} are over all paths, answered or not, as in the reference. Paths without an
 * answer never form a class; they are reported as pruned ({@link PrunedPath#NO_ANSWER}). Fallbacks: fewer than
 * {@value WeibullMixture#MIN_PATHS} paths, fewer than {@value WeibullMixture#MIN_DISTINCT} distinct probabilities,
 * optimiser failure, a non-finite NLL or a component collapsed to the 0.01 bound fit nothing and prune nothing for low
 * probability; if pruning would leave no
 * answered path voting (the above-mean paths all lack an answer) the vote is PC without pruning. Each is said in
 * {@link Vote#fitNote()}. Ties (equal scores) go to the class whose first path came first; {@link Vote#tied()} lists them.
 */
public final class PathVoter {

    private PathVoter() {}

    /** RPC: reasoning pruning, then perplexity consistency, with the SC and PPL baselines. */
    public static Vote vote(List<ReasoningPath> paths, BiPredicate<String, String> equivalent) {
        return vote(paths, equivalent, true);
    }

    /** PC alone (no reasoning pruning): the ablation the paper reports. */
    public static Vote perplexityConsistency(List<ReasoningPath> paths, BiPredicate<String, String> equivalent) {
        return vote(paths, equivalent, false);
    }

    static Vote vote(List<ReasoningPath> paths, BiPredicate<String, String> equivalent, boolean prune) {
        int n = paths.size();
        double[] p = new double[n];
        for (int i = 0; i < n; i++) p[i] = paths.get(i).probability();

        WeibullFit fit = null;
        String note = "pruning off";
        boolean[] low = new boolean[n];
        if (prune) {
            WeibullMixture.Result result = WeibullMixture.fit(p);
            fit = result.fit();
            note = result.note();
            if (fit != null) low = lowProbability(p, fit);
        }

        List<List<Integer>> groups = AnswerGroups.group(paths, equivalent);
        List<PrunedPath> pruned = new ArrayList<>();
        if (groups.isEmpty()) {
            for (int i = 0; i < n; i++) pruned.add(new PrunedPath(i, PrunedPath.NO_ANSWER));
            return new Vote(null, 0, List.of(), pruned, new Baseline(null, 0), new Baseline(null, 0), fit,
                    n == 0 ? "no paths" : "no path has an answer; " + note);
        }

        double[] scores = scores(paths, groups, low);
        if (sum(scores) == 0) {
            low = new boolean[n];
            scores = scores(paths, groups, low);
            note += "; pruning left no answered path, voted without pruning";
        }
        double total = sum(scores);

        List<AnswerClass> classes = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> members = groups.get(g);
            classes.add(new AnswerClass(paths.get(members.get(0)).answer(), scores[g] / total, members, members.size(), scores[g]));
        }
        // stable sort: equal scores keep first-path order
        classes.sort(Comparator.comparingDouble(AnswerClass::score).reversed());

        for (int i = 0; i < n; i++) {
            if (paths.get(i).answer() == null) pruned.add(new PrunedPath(i, PrunedPath.NO_ANSWER));
            else if (low[i]) pruned.add(new PrunedPath(i, PrunedPath.LOW_PROBABILITY));
        }
        AnswerClass top = classes.get(0);
        return new Vote(top.answer(), top.probability(), classes, pruned,
                selfConsistency(paths, groups), perplexity(paths), fit, note);
    }

    private static double logProb(ReasoningPath path) {
        return Double.isNaN(path.meanLogProb()) ? Double.NEGATIVE_INFINITY : path.meanLogProb();
    }

    /** The pruning rule: the low component is more likely ({@code r_hi < 1 − r_hi}) and {@code p_i < p̄}. */
    static boolean[] lowProbability(double[] p, WeibullFit fit) {
        double mean = 0;
        for (double x : p) mean += x;
        mean /= p.length;
        boolean[] low = new boolean[p.length];
        for (int i = 0; i < p.length; i++) {
            double hi = fit.posteriorHigh(p[i]);
            low[i] = hi < 1 - hi && p[i] < mean;
        }
        return low;
    }

    private static double[] scores(List<ReasoningPath> paths, List<List<Integer>> groups, boolean[] pruned) {
        double[] s = new double[groups.size()];
        for (int g = 0; g < s.length; g++) s[g] = AnswerGroups.pcScore(paths, groups.get(g), pruned);
        return s;
    }

    private static double sum(double[] xs) {
        double s = 0;
        for (double x : xs) s += x;
        return s;
    }

    /** The largest class (first-path order breaks ties), confidence = its size / answered paths. */
    static Baseline selfConsistency(List<ReasoningPath> paths, List<List<Integer>> groups) {
        List<Integer> best = groups.get(0);
        int answered = 0;
        for (List<Integer> g : groups) {
            answered += g.size();
            if (g.size() > best.size()) best = g;
        }
        return new Baseline(paths.get(best.get(0)).answer(), (double) best.size() / answered);
    }

    /** The answered path with the largest ℓ (NaN as −∞; the first on ties), confidence = its clamped exp(ℓ). */
    static Baseline perplexity(List<ReasoningPath> paths) {
        ReasoningPath best = null;
        for (ReasoningPath path : paths) {
            if (path.answer() != null && (best == null || logProb(path) > logProb(best))) best = path;
        }
        return new Baseline(best.answer(), best.probability());
    }
}
