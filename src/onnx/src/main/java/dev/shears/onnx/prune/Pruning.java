package dev.shears.onnx.prune;

import java.util.Arrays;
import java.util.List;

/**
 * Pure pruning functions over weight matrices in [out][in] row layout (see {@link LinearLayer#toRows}).
 * Each returns a mask, true = prune (set to zero). Ties are broken by position, so results are deterministic,
 * and the number pruned is exactly the one asked for.
 */
public final class Pruning {

    private Pruning() {}

    /** |w|. */
    public static float[] magnitude(float[] rows) {
        float[] s = new float[rows.length];
        for (int k = 0; k < rows.length; k++) {
            s[k] = Math.abs(rows[k]);
        }
        return s;
    }

    /** Wanda importance |W_oi| * ||X_i||_2, with {@code inputNorms} the L2 norm of each input feature. */
    public static float[] wanda(float[] rows, int in, float[] inputNorms) {
        if (inputNorms.length != in || rows.length % in != 0) {
            throw new IllegalArgumentException("norms for " + inputNorms.length + " inputs, layer has " + in);
        }
        float[] s = new float[rows.length];
        for (int k = 0; k < rows.length; k++) {
            s[k] = Math.abs(rows[k]) * inputNorms[k % in];
        }
        return s;
    }

    /** How many of {@code n} weights a sparsity prunes. */
    public static int count(int n, double sparsity) {
        if (sparsity < 0 || sparsity > 1) {
            throw new IllegalArgumentException("sparsity must be in [0, 1]: " + sparsity);
        }
        return (int) Math.round(sparsity * n);
    }

    /** Prunes the {@code round(sparsity * n)} lowest scores of the whole matrix. */
    public static boolean[] lowest(float[] scores, double sparsity) {
        boolean[] mask = new boolean[scores.length];
        int k = count(scores.length, sparsity);
        long[] keys = keys(scores, 0, scores.length);
        for (int j = 0; j < k; j++) {
            mask[(int) keys[j]] = true;
        }
        return mask;
    }

    /** Prunes the {@code round(sparsity * in)} lowest scores of every output row (Wanda's comparison group). */
    public static boolean[] lowestPerRow(float[] scores, int in, double sparsity) {
        boolean[] mask = new boolean[scores.length];
        int k = count(in, sparsity);
        for (int start = 0; start < scores.length; start += in) {
            long[] keys = keys(scores, start, in);
            for (int j = 0; j < k; j++) {
                mask[start + (int) keys[j]] = true;
            }
        }
        return mask;
    }

    /**
     * N:M semi-structured: in every group of {@code m} consecutive weights along the input dimension of each
     * output, keeps the {@code n} highest scores. {@code in} must be a multiple of {@code m}.
     */
    public static boolean[] nm(float[] scores, int in, int n, int m) {
        if (n < 0 || n > m || in % m != 0) {
            throw new IllegalArgumentException(n + ":" + m + " needs 0 <= n <= m and inputs (" + in + ") a multiple of m");
        }
        boolean[] mask = new boolean[scores.length];
        for (int start = 0; start < scores.length; start += m) {
            long[] keys = keys(scores, start, m);
            for (int j = 0; j < m - n; j++) {
                mask[start + (int) keys[j]] = true;
            }
        }
        return mask;
    }

    /**
     * Global pruning: the {@code round(sparsity * total)} lowest scores over all layers, except that no layer
     * keeps fewer than {@code ceil(minKeep * size)} weights (a per-layer floor so no layer collapses).
     */
    public static boolean[][] lowestGlobal(List<float[]> layerScores, double sparsity, double minKeep) {
        int total = layerScores.stream().mapToInt(s -> s.length).sum();
        int k = count(total, sparsity);
        int[] cap = new int[layerScores.size()];
        int[] offset = new int[layerScores.size() + 1];
        long capacity = 0;
        for (int l = 0; l < cap.length; l++) {
            int size = layerScores.get(l).length;
            cap[l] = size - (int) Math.ceil(minKeep * size);
            capacity += cap[l];
            offset[l + 1] = offset[l] + size;
        }
        if (capacity < k) {
            throw new IllegalArgumentException("sparsity " + sparsity + " impossible with a per-layer floor of "
                    + minKeep);
        }
        float[] all = new float[total];
        for (int l = 0; l < cap.length; l++) {
            System.arraycopy(layerScores.get(l), 0, all, offset[l], layerScores.get(l).length);
        }
        long[] keys = keys(all, 0, total);
        boolean[][] masks = new boolean[cap.length][];
        for (int l = 0; l < cap.length; l++) {
            masks[l] = new boolean[layerScores.get(l).length];
        }
        int[] pruned = new int[cap.length];
        int done = 0;
        for (int j = 0; j < keys.length && done < k; j++) {
            int g = (int) keys[j];
            int l = Arrays.binarySearch(offset, g);
            l = l >= 0 ? l : -l - 2;
            while (offset[l + 1] == g) {
                l++; // empty layers share an offset
            }
            if (pruned[l] < cap[l]) {
                masks[l][g - offset[l]] = true;
                pruned[l]++;
                done++;
            }
        }
        return masks;
    }

    /** Zeroes the masked weights in place; returns how many were masked. */
    public static int apply(float[] rows, boolean[] mask) {
        int n = 0;
        for (int k = 0; k < rows.length; k++) {
            if (mask[k]) {
                rows[k] = 0f;
                n++;
            }
        }
        return n;
    }

    /** Number of exact zeros. */
    public static int zeros(float[] w) {
        int n = 0;
        for (float v : w) {
            if (v == 0f) {
                n++;
            }
        }
        return n;
    }

    /** True when every group of m consecutive weights of each row has at most n non-zeros. */
    public static boolean followsNm(float[] rows, int in, int n, int m) {
        if (in % m != 0) {
            return false;
        }
        for (int start = 0; start < rows.length; start += m) {
            int nonZero = 0;
            for (int j = 0; j < m; j++) {
                if (rows[start + j] != 0f) {
                    nonZero++;
                }
            }
            if (nonZero > n) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sort keys for scores[start, start+len): high bits = the score's order-preserving bits, low 32 bits = the
     * position relative to start; ascending order = lowest score first, earlier position first on ties.
     */
    private static long[] keys(float[] scores, int start, int len) {
        long[] keys = new long[len];
        for (int j = 0; j < len; j++) {
            float s = scores[start + j];
            if (Float.isNaN(s)) {
                throw new IllegalArgumentException("NaN score");
            }
            int bits = Float.floatToIntBits(s == 0f ? 0f : s); // -0 → +0
            int ordered = bits >= 0 ? bits : bits ^ 0x7FFFFFFF; // monotone for negatives too
            keys[j] = ((long) ordered << 32) | j;
        }
        Arrays.sort(keys);
        return keys;
    }
}
