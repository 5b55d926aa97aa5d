package dev.shears.onnx.lm;

import dev.shears.onnx.RuntimeOptions;

/**
 * How {@link OnnxCausalLm} loads and runs a model.
 *
 * @param runtime               ONNX Runtime session settings (threads, optimisation, device with CPU fallback),
 *                              the same for every model Shears opens
 * @param inGraphLogProbs       append log-softmax/gather heads to the graph so full logits stay in ORT
 *                              (ignored for models with external data, which are run unedited)
 * @param contextLength         override of the context length; 0 reads it from config.json
 * @param bosPolicy             when to prepend the BOS token (null = by model type: Llama-like always,
 *                              others only for an empty prompt)
 */
public record OnnxCausalLmOptions(RuntimeOptions runtime, boolean inGraphLogProbs, int contextLength, BosPolicy bosPolicy) {

    /** When the BOS token (if the model has one) is put in front of the tokens. */
    public enum BosPolicy { NEVER, WHEN_PROMPT_EMPTY, ALWAYS }

    public OnnxCausalLmOptions {
        if (runtime.intraOpThreads() < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + runtime.intraOpThreads());
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("contextLength must be >= 0, got " + contextLength);
        }
    }

    /** CPU, 2 threads, in-graph log-probs, context length and BOS policy from the model. */
    public static OnnxCausalLmOptions defaults() {
        return new OnnxCausalLmOptions(RuntimeOptions.cpu(2), true, 0, null);
    }

    public OnnxCausalLmOptions withRuntime(RuntimeOptions options) {
        return new OnnxCausalLmOptions(options, inGraphLogProbs, contextLength, bosPolicy);
    }

    /** CUDA when {@code cuda} (falling back to CPU with a log line when unavailable), else CPU. */
    public OnnxCausalLmOptions withCuda(boolean cuda) {
        return withRuntime(runtime.onDevice(cuda ? "cuda" : "cpu"));
    }

    public OnnxCausalLmOptions withIntraOpThreads(int threads) {
        return withRuntime(RuntimeOptions.cpu(threads).onDevice(runtime.device()));
    }

    public OnnxCausalLmOptions withInGraphLogProbs(boolean inGraph) {
        return new OnnxCausalLmOptions(runtime, inGraph, contextLength, bosPolicy);
    }

    public OnnxCausalLmOptions withContextLength(int length) {
        return new OnnxCausalLmOptions(runtime, inGraphLogProbs, length, bosPolicy);
    }

    public OnnxCausalLmOptions withBosPolicy(BosPolicy policy) {
        return new OnnxCausalLmOptions(runtime, inGraphLogProbs, contextLength, policy);
    }
}
