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
        return outMajor ? stored.clone() : transpose(stored, in, out);
    }

    /** Inverse of {@link #toRows}. */
    public float[] fromRows(float[] rows) {
        return outMajor ? rows.clone() : transpose(rows, out, in);
    }

    /** A row-major [rows][cols] matrix as row-major [cols][rows]. */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
