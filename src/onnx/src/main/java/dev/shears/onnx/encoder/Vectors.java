package dev.shears.onnx.encoder;

import dev.shears.inference.InferenceException;

/** Small vector helpers for pooled embeddings. */
final class Vectors {
    private Vectors() {}

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
