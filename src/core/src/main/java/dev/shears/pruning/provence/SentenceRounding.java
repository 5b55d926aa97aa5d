package dev.shears.pruning.provence;

import java.util.Arrays;

/**
 * How token keep-probabilities are rounded to a keep/drop decision per sentence (algorithms.md §1.4 step 8).
 * Every rule is expressed as a <em>critical threshold</em> {@code t*} per sentence: the sentence is kept at
 * threshold {@code T} iff {@code T < t*}. This makes threshold-dependent rules (the decision average) fit a
 * "score against threshold" interface exactly.
 */
public enum SentenceRounding {

    /** OpenProvence: keep iff the sentence score (mean of fragment mean probabilities) {@code > T}. */
    MEAN_PROB,

    /**
     * naver Provence HF code as described by ports: {@code d = share of tokens with p > T}; keep iff
     * {@code d > T} (the same T twice).
     */
    DECISION_AVG,

    /** Provence paper §3: keep iff more than half of the sentence's tokens have {@code p > T}. */
    PAPER_MAJORITY;

    /**
     * The critical threshold of one sentence.
     *
     * @param meanScore the sentence's mean-probability score (used by {@link #MEAN_PROB})
     * @param tokenProbs keep-probabilities of all its tokens that were scored (used by the decision rules)
     */
    public double criticalThreshold(double meanScore, double[] tokenProbs) {
        if (tokenProbs.length == 0) {
            return 0;
        }
        return switch (this) {
            case MEAN_PROB -> meanScore;
            case DECISION_AVG -> {
                // d(T) = #{p > T} / n is a step function; for T in [p(m+1), p(m)) it is m/n, so the set of kept
                // thresholds is [0, max_m min(p(m), m/n)).
                double[] p = sortedDescending(tokenProbs);
                double best = 0;
                for (int m = 1; m <= p.length; m++) {
                    best = Math.max(best, Math.min(p[m - 1], (double) m / p.length));
                }
                yield best;
            }
            case PAPER_MAJORITY -> {
                // more than half of n tokens above T: the (floor(n/2)+1)-th largest probability must exceed T
                double[] p = sortedDescending(tokenProbs);
                yield p[p.length / 2];
            }
        };
    }

    /** Direct form of the rule at threshold {@code t}, for tests and callers that hold a threshold. */
    public boolean keep(double meanScore, double[] tokenProbs, double t) {
        if (tokenProbs.length == 0) {
            return false;
        }
        return switch (this) {
            case MEAN_PROB -> meanScore > t;
            case DECISION_AVG -> decisionShare(tokenProbs, t) > t;
            case PAPER_MAJORITY -> decisionShare(tokenProbs, t) > 0.5;
        };
    }

    private static double decisionShare(double[] p, double t) {
        int above = 0;
        for (double x : p) {
            if (x > t) {
                above++;
            }
        }
        return (double) above / p.length;
    }

    private static double[] sortedDescending(double[] values) {
        double[] p = values.clone();
        Arrays.sort(p);
        for (int i = 0, j = p.length - 1; i < j; i++, j--) {
            double x = p[i];
            p[i] = p[j];
            p[j] = x;
        }
        return p;
    }

    public static SentenceRounding parse(String name) {
        if (name == null || name.isBlank()) {
            return MEAN_PROB;
        }
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
