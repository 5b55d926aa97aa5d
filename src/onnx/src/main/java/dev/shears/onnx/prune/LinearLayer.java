package dev.shears.onnx.prune;

/**
 * A linear layer of an ONNX graph: a MatMul or Gemm whose weight (input 1) is a 2-D float initializer.
 *
 * @param node        the node's name (or its first output when unnamed)
 * @param input       the activation fed to the layer (input 0)
 * @param weight      the initializer's name
 * @param in          input features
 * @param out         output features
 * @param outMajor    true when the initializer is stored [out, in] (Gemm with transB=1), false for [in, out]
 */
public record LinearLayer(String node, String input, String weight, int in, int out, boolean outMajor) {

    public int size() {
        return in * out;
    }

    /** Reorders the stored weights to [out][in] (row o holds output o's weights along the input dimension). */
    public float[] toRows(float[] stored) {
        if (outMajor) {
            return stored.clone();
        }
        float[] rows = new float[stored.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                rows[o * in + i] = stored[i * out + o];
            }
        }
        return rows;
    }

    /** Inverse of {@link #toRows}. */
    public float[] fromRows(float[] rows) {
        if (outMajor) {
            return rows.clone();
        }
        float[] stored = new float[rows.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                stored[i * out + o] = rows[o * in + i];
            }
        }
        return stored;
    }
}
