package dev.shears.onnx.graph;

/**
 * Shape and hyper-parameters of a small test decoder.
 *
 * @param family         GPT2 (learned positions, LayerNorm, GELU-tanh MLP, biases) or LLAMA (RoPE, RMSNorm,
 *                       SwiGLU, no biases, optional grouped-query attention)
 * @param kvHeads        key/value heads; equal to {@code heads} for plain multi-head attention
 * @param normEps        LayerNorm epsilon (GPT2) or RMSNorm epsilon (LLAMA)
 * @param ropeTheta      RoPE base (LLAMA only)
 * @param tiedEmbeddings lm_head reuses the token embedding matrix
 */
public record DecoderConfig(Family family, int vocabSize, int hidden, int layers, int heads, int kvHeads,
                            int intermediate, int maxPositions, double normEps, double ropeTheta,
                            boolean tiedEmbeddings, int bosTokenId, int eosTokenId) {

    public enum Family { GPT2, LLAMA }

    public DecoderConfig {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " not divisible by heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " not divisible by kvHeads " + kvHeads);
        }
        if (family == Family.LLAMA && (hidden / heads) % 2 != 0) {
            throw new IllegalArgumentException("RoPE needs an even head dim, got " + hidden / heads);
        }
        if (bosTokenId >= vocabSize || eosTokenId >= vocabSize) {
            throw new IllegalArgumentException("bos/eos id outside vocab " + vocabSize);
        }
    }

    /** A GPT-2 style config with the project's byte-level test tokenizer's special token as BOS/EOS. */
    public static DecoderConfig gpt2(int vocab, int hidden, int layers, int heads, int maxPositions, boolean tied) {
        return new DecoderConfig(Family.GPT2, vocab, hidden, layers, heads, heads, 4 * hidden, maxPositions,
                1e-5, 0, tied, ByteLevelTokenizerJson.END_OF_TEXT_ID, ByteLevelTokenizerJson.END_OF_TEXT_ID);
    }

    /** A Llama style config (untied lm_head) with grouped-query attention when {@code kvHeads < heads}. */
    public static DecoderConfig llama(int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate,
                                      int maxPositions) {
        return new DecoderConfig(Family.LLAMA, vocab, hidden, layers, heads, kvHeads, intermediate, maxPositions,
                1e-6, 10000.0, false, ByteLevelTokenizerJson.END_OF_TEXT_ID, ByteLevelTokenizerJson.END_OF_TEXT_ID);
    }

    public int headDim() {
        return hidden / heads;
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }
}
