package dev.shears.onnx.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class InputReconstructionTest {

    static final int WIDTH = 6;
    static final int OUT = 3;

    /** Augmented second moments of rows x (as {@link Calibration#grams} computes them in the graph). */
    static Calibration.Gram gram(double[][] x) {
        double[] m = new double[(WIDTH + 1) * (WIDTH + 1)];
        for (double[] row : x) {
            for (int i = 0; i <= WIDTH; i++) {
                for (int j = 0; j <= WIDTH; j++) {
                    m[i * (WIDTH + 1) + j] += (i < WIDTH ? row[i] : 1) * (j < WIDTH ? row[j] : 1);
                }
            }
        }
        return new Calibration.Gram(WIDTH, m);
    }

    static double[] apply(double[] x, int[] inputs, float[] w, float[] b) {
        double[] y = new double[OUT];
        for (int o = 0; o < OUT; o++) {
            y[o] = b[o];
            for (int a = 0; a < inputs.length; a++) {
                y[o] += x[inputs[a]] * w[a * OUT + o];
            }
        }
        return y;
    }

    /**
     * Inputs 4 and 5 are affine in inputs 0-3 (x4 = 2 x0 - x1 + 0.5, x5 = x2 + x3 - 1): dropping them loses no
     * information, so the refit reproduces the full layer's output on every token; keeping the old rows does not.
     */
    @Test
    void recoversAPlantedLinearMapExactly() {
        Random random = new Random(7);
        double[][] x = new double[200][WIDTH];
        for (double[] row : x) {
            for (int i = 0; i < 4; i++) {
                row[i] = random.nextGaussian();
            }
            row[4] = 2 * row[0] - row[1] + 0.5;
            row[5] = row[2] + row[3] - 1;
        }
        float[] w = new float[WIDTH * OUT];
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) random.nextGaussian();
        }
        float[] b = {0.1f, -0.2f, 0.3f};
        int[] all = {0, 1, 2, 3, 4, 5};
        int[] kept = {0, 1, 2, 3};
        InputReconstruction.Refit r = InputReconstruction.refit(gram(x), w, b, OUT, kept, 0);
        double plainError = 0;
        for (double[] row : x) {
            double[] want = apply(row, all, w, b);
            assertArrayEquals(want, apply(row, kept, r.weights(), r.bias()), 1e-4);
            double[] plain = apply(row, kept, InputReconstruction.keepRows(w, OUT, kept), b);
            for (int o = 0; o < OUT; o++) {
                plainError += Math.abs(plain[o] - want[o]);
            }
        }
        assertTrue(plainError / (x.length * OUT) > 0.5, "dropping rows without refit should cost: " + plainError);
    }

    @Test
    void keepingEveryInputReturnsTheLayerUnchanged() {
        Random random = new Random(3);
        double[][] x = new double[50][WIDTH];
        for (double[] row : x) {
            for (int i = 0; i < WIDTH; i++) {
                row[i] = random.nextGaussian();
            }
        }
        float[] w = new float[WIDTH * OUT];
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) random.nextGaussian();
        }
        float[] b = {1, 2, 3};
        InputReconstruction.Refit r = InputReconstruction.refit(gram(x), w, b, OUT, new int[] {0, 1, 2, 3, 4, 5}, 0);
        assertArrayEquals(w, r.weights(), 1e-4f);
        assertArrayEquals(b, r.bias(), 1e-4f);
    }

    @Test
    void ridgeShrinksTowardsZeroButKeepsTheBiasFree() {
        double[][] x = new double[100][WIDTH];
        Random random = new Random(11);
        for (double[] row : x) {
            for (int i = 0; i < WIDTH; i++) {
                row[i] = random.nextGaussian();
            }
        }
        float[] w = new float[WIDTH * OUT];
        java.util.Arrays.fill(w, 1f);
        float[] b = {5, 5, 5};
        InputReconstruction.Refit r = InputReconstruction.refit(gram(x), w, b, OUT, new int[] {0, 1, 2}, 1e6);
        for (float v : r.weights()) {
            assertEquals(0, v, 1e-3);
        }
        // with the weights shrunk away, the bias takes the mean output: 5 + sum of the inputs' means
        double mean = 0;
        for (double[] row : x) {
            for (double v : row) {
                mean += v;
            }
        }
        assertEquals(5 + mean / x.length, r.bias()[0], 1e-2);
    }

    @Test
    void mostImportantGroupsAreKeptInOrderWithTiesToTheEarlierGroup() {
        double[] scores = {1, 1, 5, 5, 0, 0, 2, 2, 2, 0};
        assertArrayEquals(new int[] {1, 3}, StructuredPruner.mostImportant(scores, 2, 2));
        assertArrayEquals(new int[] {0, 1, 3}, StructuredPruner.mostImportant(scores, 2, 3));
        assertArrayEquals(new int[] {0, 2}, StructuredPruner.mostImportant(new double[] {1, 0, 1}, 1, 2));
    }
}
