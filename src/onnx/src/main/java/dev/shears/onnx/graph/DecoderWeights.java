package dev.shears.onnx.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * All parameters of a test decoder as flat row-major float arrays. Matrices are stored [in, out] so that
 * {@code y = x · W}. Per-head projections are head-major: head {@code h} occupies columns
 * {@code h*headDim .. (h+1)*headDim-1}; query head {@code h} uses key/value head {@code h / groupSize}.
 *
 * @param tokenEmbedding    [vocab, hidden]
 * @param positionEmbedding [maxPositions, hidden] (GPT2) or null (LLAMA)
 * @param finalNormBias     null for LLAMA
 * @param lmHead            [hidden, vocab], or null when embeddings are tied (logits = h · tokenEmbedding^T)
 */
public record DecoderWeights(DecoderConfig config, float[] tokenEmbedding, float[] positionEmbedding,
                             List<Layer> layers, float[] finalNormWeight, float[] finalNormBias, float[] lmHead) {

    /**
     * One transformer block. Biases and {@code wGate} are null where the family has none (LLAMA has no biases;
     * GPT2 has no gate).
     *
     * @param wq [hidden, heads*headDim]; wk, wv [hidden, kvHeads*headDim]; wo [heads*headDim, hidden]
     * @param wGate, wUp [hidden, intermediate]; wDown [intermediate, hidden]
     */
    public record Layer(float[] attnNormWeight, float[] attnNormBias,
                        float[] wq, float[] bq, float[] wk, float[] bk, float[] wv, float[] bv,
                        float[] wo, float[] bo,
                        float[] mlpNormWeight, float[] mlpNormBias,
                        float[] wGate, float[] wUp, float[] bUp, float[] wDown, float[] bDown) {
    }

    /**
     * Deterministic random weights for {@code config}: the same seed gives the same arrays. Scales are chosen
     * so activations stay O(1) and the next-token distributions are far from uniform, which makes numerical
     * comparisons meaningful.
     */
    public static DecoderWeights random(DecoderConfig config, long seed) {
        Random r = new Random(seed);
        int h = config.hidden();
        int qd = config.heads() * config.headDim();
        int kvd = config.kvHeads() * config.headDim();
        int inter = config.intermediate();
        boolean gpt2 = config.family() == DecoderConfig.Family.GPT2;
        float[] tok = gaussian(r, config.vocabSize() * h, 1.0);
        float[] pos = gpt2 ? gaussian(r, config.maxPositions() * h, 0.5) : null;
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            layers.add(new Layer(
                    norm(r, h), gpt2 ? gaussian(r, h, 0.05) : null,
                    gaussian(r, h * qd, 1.5 / Math.sqrt(h)), gpt2 ? gaussian(r, qd, 0.1) : null,
                    gaussian(r, h * kvd, 1.5 / Math.sqrt(h)), gpt2 ? gaussian(r, kvd, 0.1) : null,
                    gaussian(r, h * kvd, 1.0 / Math.sqrt(h)), gpt2 ? gaussian(r, kvd, 0.1) : null,
                    gaussian(r, qd * h, 1.0 / Math.sqrt(qd)), gpt2 ? gaussian(r, h, 0.05) : null,
                    norm(r, h), gpt2 ? gaussian(r, h, 0.05) : null,
                    gpt2 ? null : gaussian(r, h * inter, 1.0 / Math.sqrt(h)),
                    gaussian(r, h * inter, 1.0 / Math.sqrt(h)), gpt2 ? gaussian(r, inter, 0.1) : null,
                    gaussian(r, inter * h, 1.0 / Math.sqrt(inter)), gpt2 ? gaussian(r, h, 0.05) : null));
        }
        float[] fnw = norm(r, h);
        float[] fnb = gpt2 ? gaussian(r, h, 0.05) : null;
        float[] head = config.tiedEmbeddings() ? null : gaussian(r, h * config.vocabSize(), 2.0 / Math.sqrt(h));
        return new DecoderWeights(config, tok, pos, List.copyOf(layers), fnw, fnb, head);
    }

    private static float[] gaussian(Random r, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * std);
        }
        return a;
    }

    private static float[] norm(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (1.0 + 0.1 * r.nextGaussian());
        }
        return a;
    }
}
