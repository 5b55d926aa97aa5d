package dev.shears.reasoning.voting;

import java.util.Arrays;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.special.Gamma;

/**
 * Maximum-likelihood fit of a two-component Weibull mixture to path probabilities (RPC's reasoning-pruning model,
 * {@code compute_rpc.py}): initial guess {@code (w,k1,λ1,k2,λ2) = (0.5,1,1,1.5,2)}, bounds {@code w∈[0.2,0.8]},
 * {@code k,λ ≥ 0.01}. The reference uses L-BFGS-B with open upper bounds; this uses BOBYQA (derivative-free, bounded)
 * with upper bounds {@code k ≤ 1000} (a coefficient of variation of about 0.1%: tighter than any real spread of mean
 * token probabilities, and it caps the likelihood spike a component gets by collapsing onto duplicated values) and
 * {@code λ ≤ 100} (data lie in (0,1]; beyond that the density on [0,1] only shrinks). k and λ are optimised as
 * logarithms so one trust-region radius suits all five parameters; the feasible set is the same. A fit with k or λ at
 * the lower bound is rejected as degenerate (see {@link #fit}).
 */
final class WeibullMixture {

    /** Below this many paths a 5-parameter fit is noise (two observations per free parameter). */
    static final int MIN_PATHS = 10;
    /** Fewer distinct probabilities than this leave nothing for two continuous components to separate. */
    static final int MIN_DISTINCT = 3;

    static final double[] INITIAL = {0.5, 1.0, 1.0, 1.5, 2.0};
    static final double W_MIN = 0.2, W_MAX = 0.8, SHAPE_MIN = 0.01, SHAPE_MAX = 1000, SCALE_MIN = 0.01, SCALE_MAX = 100;
    private static final int MAX_EVALUATIONS = 20_000;

    record Result(WeibullFit fit, String note) {}

    private WeibullMixture() {}

    static double logPdf(double x, double k, double lambda) {
        double z = Math.log(x) - Math.log(lambda);
        return Math.log(k) - Math.log(lambda) + (k - 1) * z - Math.exp(k * z);
    }

    static double mean(double k, double lambda) {
        return lambda * Math.exp(Gamma.logGamma(1 + 1 / k));
    }

    static double nll(double[] x, double w, double k1, double l1, double k2, double l2) {
        double lw = Math.log(w), lw2 = Math.log1p(-w), sum = 0;
        for (double xi : x) {
            double a = lw + logPdf(xi, k1, l1), b = lw2 + logPdf(xi, k2, l2);
            double m = Math.max(a, b);
            sum += m == Double.NEGATIVE_INFINITY ? m : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
        }
        return -sum;
    }

    /** Fits the mixture, or returns a null fit with the reason (then nothing is pruned). */
    static Result fit(double[] p) {
        if (p.length < MIN_PATHS) return new Result(null, "not fitted: " + p.length + " paths < " + MIN_PATHS);
        for (double x : p) {
            if (!(x > 0 && x <= 1)) return new Result(null, "not fitted: probability " + x + " outside (0,1]");
        }
        long distinct = Arrays.stream(p).distinct().count();
        if (distinct < MIN_DISTINCT) return new Result(null, "not fitted: " + distinct + " distinct probabilities");

        double[] start = {INITIAL[0], Math.log(INITIAL[1]), Math.log(INITIAL[2]), Math.log(INITIAL[3]), Math.log(INITIAL[4])};
        double[] lower = {W_MIN, Math.log(SHAPE_MIN), Math.log(SCALE_MIN), Math.log(SHAPE_MIN), Math.log(SCALE_MIN)};
        double[] upper = {W_MAX, Math.log(SHAPE_MAX), Math.log(SCALE_MAX), Math.log(SHAPE_MAX), Math.log(SCALE_MAX)};
        PointValuePair best;
        try {
            best = new BOBYQAOptimizer(2 * start.length + 1, 0.2, 1e-8).optimize(
                    new MaxEval(MAX_EVALUATIONS),
                    new ObjectiveFunction(v -> {
                        double f = nll(p, v[0], Math.exp(v[1]), Math.exp(v[2]), Math.exp(v[3]), Math.exp(v[4]));
                        return Double.isNaN(f) ? Double.POSITIVE_INFINITY : f;
                    }),
                    GoalType.MINIMIZE, new InitialGuess(start), new SimpleBounds(lower, upper));
        } catch (MathIllegalStateException e) {
            return new Result(null, "not fitted: optimiser failed (" + e.getMessage() + ")");
        }
        double[] v = best.getPoint();
        double w = v[0], k1 = Math.exp(v[1]), l1 = Math.exp(v[2]), k2 = Math.exp(v[3]), l2 = Math.exp(v[4]);
        double nll = nll(p, w, k1, l1, k2, l2);
        if (!Double.isFinite(nll)) return new Result(null, "not fitted: non-finite NLL");
        // A shape or scale pinned at 0.01 is a component collapsed onto an outlier (e.g. a floor probability): a k < 1
        // spike whose heavy tail gives it the larger mean, so the real paths would all be labelled low.
        if (Math.min(Math.min(k1, l1), Math.min(k2, l2)) <= SHAPE_MIN * (1 + 1e-6)) {
            return new Result(null, "not fitted: degenerate (a component collapsed to the 0.01 bound)");
        }
        WeibullFit fit = mean(k1, l1) >= mean(k2, l2)
                ? new WeibullFit(w, k1, l1, k2, l2, nll)
                : new WeibullFit(1 - w, k2, l2, k1, l1, nll);
        return new Result(fit, "fitted on " + p.length + " paths");
    }
}
