package dev.shears.onnx.prune;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Least-squares reconstruction of a linear layer y = x W + b that loses some of its inputs: with only the inputs
 * in S left, the new weights W' and bias b' minimise, over the calibration tokens,
 * {@code ||x_S W' + b' - (x W + b)||^2 + lambda ||W'||^2}. Everything needed is in the inputs' augmented second
 * moments ({@link Calibration.Gram}, with a constant-1 feature for the bias): the normal equations are
 * {@code (G_SS + lambda I) [W'; b'] = G_S,all [W; b]} over S plus the constant feature, solved by Cholesky
 * (commons-math3) since the left side is symmetric positive definite once ridge-regularised. The bias is not
 * regularised, so b' also absorbs the mean contribution of the dropped inputs.
 *
 * <p>Weights are input-major ({@code w[i * out + o]}), as ONNX {@code MatMul} stores them.
 */
public final class InputReconstruction {

    /** New weights for the kept inputs (input-major, {@code kept.length x out}) and the new bias. */
    public record Refit(float[] weights, float[] bias) {}

    private InputReconstruction() {}

    /**
     * @param ridge lambda relative to the mean of the kept inputs' second moments (scale-free; 0 = plain least
     *              squares)
     */
    public static Refit refit(Calibration.Gram gram, float[] weights, float[] bias, int out, int[] kept, double ridge) {
        int width = gram.width();
        if (weights.length != width * out || bias.length != out) {
            throw new IllegalArgumentException("weights " + weights.length + " / bias " + bias.length + " for "
                    + width + " inputs and " + out + " outputs");
        }
        // the target is the layer's own output: sum over tokens of [x 1]^T (x W + b) = G [W; b]
        double[][] wb = new double[width + 1][out];
        for (int i = 0; i < width; i++) {
            for (int o = 0; o < out; o++) {
                wb[i][o] = weights[i * out + o];
            }
        }
        for (int o = 0; o < out; o++) {
            wb[width][o] = bias[o];
        }
        double[][] cross = new double[width + 1][];
        for (int a : withConstant(kept, width)) {
            cross[a] = new double[out];
            for (int i = 0; i <= width; i++) {
                double g = gram.at(a, i);
                if (g != 0) {
                    for (int o = 0; o < out; o++) {
                        cross[a][o] += g * wb[i][o];
                    }
                }
            }
        }
        return refitToTarget(gram, cross, kept, ridge);
    }

    /**
     * The kept inputs' weights and a bias that best reproduce any target t (not necessarily this layer's output)
     * given {@code cross}, the sum over tokens of [x 1]^T t ({@code width + 1} rows of {@code out}; only the kept
     * rows and the last are read).
     */
    public static Refit refitToTarget(Calibration.Gram gram, double[][] cross, int[] kept, double ridge) {
        int width = gram.width();
        int m = kept.length;
        int[] rows = withConstant(kept, width);
        int out = cross[width].length;
        double meanDiagonal = 0;
        for (int k : kept) {
            meanDiagonal += gram.at(k, k);
        }
        double lambda = ridge * meanDiagonal / Math.max(1, m);
        double[][] lhs = new double[m + 1][m + 1];
        double[][] rhs = new double[m + 1][];
        for (int a = 0; a <= m; a++) {
            for (int c = 0; c <= m; c++) {
                lhs[a][c] = gram.at(rows[a], rows[c]);
            }
            if (a < m) {
                lhs[a][a] += lambda;
            }
            rhs[a] = cross[rows[a]].clone();
        }
        RealMatrix solution = new CholeskyDecomposition(new Array2DRowRealMatrix(lhs, false), 1e-9, 0)
                .getSolver().solve(new Array2DRowRealMatrix(rhs, false));
        float[] w2 = new float[m * out];
        float[] b2 = new float[out];
        for (int a = 0; a < m; a++) {
            for (int o = 0; o < out; o++) {
                w2[a * out + o] = (float) solution.getEntry(a, o);
            }
        }
        for (int o = 0; o < out; o++) {
            b2[o] = (float) solution.getEntry(m, o);
        }
        return new Refit(w2, b2);
    }

    /** The kept inputs followed by the constant feature's index. */
    private static int[] withConstant(int[] kept, int width) {
        int[] rows = java.util.Arrays.copyOf(kept, kept.length + 1);
        rows[kept.length] = width;
        return rows;
    }

    /** The kept inputs' rows of input-major weights, unchanged (no reconstruction). */
    public static float[] keepRows(float[] weights, int out, int[] kept) {
        float[] w = new float[kept.length * out];
        for (int a = 0; a < kept.length; a++) {
            System.arraycopy(weights, kept[a] * out, w, a * out, out);
        }
        return w;
    }
}
