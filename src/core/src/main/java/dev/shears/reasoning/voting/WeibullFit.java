package dev.shears.reasoning.voting;

/**
 * A fitted two-component Weibull mixture {@code f(x) = w·W(x;k1,λ1) + (1−w)·W(x;k2,λ2)}, high component first
 * (the one with the larger mean {@code λΓ(1+1/k)}), with the negative log-likelihood it reached.
 */
public record WeibullFit(double w, double k1, double lambda1, double k2, double lambda2, double nll) {

    /** Posterior probability that {@code x} came from the high component. */
    public double posteriorHigh(double x) {
        double hi = Math.log(w) + WeibullMixture.logPdf(x, k1, lambda1);
        double lo = Math.log1p(-w) + WeibullMixture.logPdf(x, k2, lambda2);
        if (hi == Double.NEGATIVE_INFINITY && lo == Double.NEGATIVE_INFINITY) return 0.5;
        return 1 / (1 + Math.exp(lo - hi));
    }

    public double meanHigh() {
        return WeibullMixture.mean(k1, lambda1);
    }

    public double meanLow() {
        return WeibullMixture.mean(k2, lambda2);
    }
}
