package dev.shears.onnx.lm;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from one row of logits: greedy, temperature, nucleus (top-p). Pure functions. */
final class TokenSampler {

    private TokenSampler() {
    }

    /** Natural-log softmax of {@code logits[off .. off+vocab)} at {@code token}, in double. */
    static double logSoftmaxAt(float[] logits, int off, int vocab, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[off + i] - max);
        }
        return logits[off + token] - max - Math.log(sum);
    }

    /** Arg-max (the lowest id on ties). */
    static int greedy(float[] logits, int off, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[off + i] > logits[off + best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Samples from softmax(logits / temperature) restricted to the smallest set of most likely tokens whose
     * mass reaches {@code topP}. Temperature 0 is greedy. Exactly one random draw per call when sampling.
     */
    static int sample(float[] logits, int off, int vocab, double temperature, double topP, SplittableRandom rnd) {
        if (temperature == 0) {
            return greedy(logits, off, vocab);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double[] p = new double[vocab];
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            p[i] = Math.exp((logits[off + i] - max) / temperature);
            total += p[i];
        }
        double u = rnd.nextDouble();
        if (topP >= 1.0) {
            double target = u * total;
            double acc = 0;
            for (int i = 0; i < vocab; i++) {
                acc += p[i];
                if (acc > target) {
                    return i;
                }
            }
            return greedy(logits, off, vocab);
        }
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : p[a] != p[b] ? Double.compare(p[b], p[a]) : a - b);
        double keep = topP * total;
        double kept = 0;
        int n = 0;
        while (n < vocab && (n == 0 || kept < keep)) {
            kept += p[order[n++]];
        }
        double target = u * kept;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += p[order[i]];
            if (acc > target) {
                return order[i];
            }
        }
        return order[0];
    }
}
