package dev.shears.pruning;

/**
 * Deterministic batch gradient descent for a logistic model with a small L2 penalty. Enough for a handful of
 * features over tens of thousands of rows, with no dependency and the same weights on every machine.
 */
public final class LogisticRegression {

    private LogisticRegression() {}

    /** Returns {@code weights ++ [bias]}. */
    public static double[] fit(double[][] x, int[] y, int iterations, double learningRate, double l2) {
        int n = x.length;
        int f = x[0].length;
        double[] w = new double[f + 1];
        double[] grad = new double[f + 1];
        for (int it = 0; it < iterations; it++) {
            java.util.Arrays.fill(grad, 0);
            for (int i = 0; i < n; i++) {
                double z = w[f];
                for (int k = 0; k < f; k++) {
                    z += w[k] * x[i][k];
                }
                double err = 1.0 / (1.0 + Math.exp(-z)) - y[i];
                for (int k = 0; k < f; k++) {
                    grad[k] += err * x[i][k];
                }
                grad[f] += err;
            }
            for (int k = 0; k <= f; k++) {
                double penalty = k < f ? l2 * w[k] : 0;
                w[k] -= learningRate * (grad[k] / n + penalty);
            }
        }
        return w;
    }
}
