package dev.shears.runtime.lm;

/**
 * How {@link OnnxCausalLm} loads and runs a model.
 *
 * @param intraOpThreads        ONNX Runtime intra-op threads (default 2); inter-op is always 1, spinning off
 * @param useCuda               try the CUDA execution provider; falls back to CPU with a log line if unavailable
 * @param inGraphLogProbs       append log-softmax/gather heads to the graph so full logits stay in ORT
 *                              (ignored for models with external data, which are run unedited)
 * @param contextLength         override of the context length; 0 reads it from config.json
 * @param bosPolicy             when to prepend the BOS token (null = by model type: Llama-like always,
 *                              others only for an empty prompt)
 */
public record OnnxCausalLmOptions(int intraOpThreads, boolean useCuda, boolean inGraphLogProbs, int contextLength,
                                  BosPolicy bosPolicy) {

    /** When the BOS token (if the model has one) is put in front of the tokens. */
    public enum BosPolicy { NEVER, WHEN_PROMPT_EMPTY, ALWAYS }

    public OnnxCausalLmOptions {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("contextLength must be >= 0, got " + contextLength);
        }
    }

    /** CPU, 2 threads, in-graph log-probs, context length and BOS policy from the model. */
    public static OnnxCausalLmOptions defaults() {
        return new OnnxCausalLmOptions(2, false, true, 0, null);
    }

    public OnnxCausalLmOptions withCuda(boolean cuda) {
        return new OnnxCausalLmOptions(intraOpThreads, cuda, inGraphLogProbs, contextLength, bosPolicy);
    }

    public OnnxCausalLmOptions withInGraphLogProbs(boolean inGraph) {
        return new OnnxCausalLmOptions(intraOpThreads, useCuda, inGraph, contextLength, bosPolicy);
    }

    public OnnxCausalLmOptions withIntraOpThreads(int threads) {
        return new OnnxCausalLmOptions(threads, useCuda, inGraphLogProbs, contextLength, bosPolicy);
    }

    public OnnxCausalLmOptions withContextLength(int length) {
        return new OnnxCausalLmOptions(intraOpThreads, useCuda, inGraphLogProbs, length, bosPolicy);
    }

    public OnnxCausalLmOptions withBosPolicy(BosPolicy policy) {
        return new OnnxCausalLmOptions(intraOpThreads, useCuda, inGraphLogProbs, contextLength, policy);
    }
}
