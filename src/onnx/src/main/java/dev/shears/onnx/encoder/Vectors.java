package dev.shears.onnx.encoder;

import dev.shears.inference.InferenceException;

/** Small vector helpers for pooled embeddings. */
public final class Vectors {
    private Vectors() {}

    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Cosine similarity; 0 when either vector is all zeros. */
    public static double cosine(float[] a, float[] b) {
        double norms = Math.sqrt(dot(a, a) * dot(b, b));
        return norms == 0 ? 0 : dot(a, b) / norms;
    }

    static void normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= (float) norm;
            }
        }
    }

    static void requireFinite(float[] v, String modelId) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new InferenceException("model '" + modelId + "' produced a non-finite output");
            }
        }
    }
}
