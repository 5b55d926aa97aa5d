/**
 * The language-model SPI of Shears: score text (teacher-forced token log-probs) and sample continuations,
 * independent of where the model runs ({@code dev.shears.onnx.lm.OnnxCausalLm} in-process,
 * {@code dev.shears.client.openai.OpenAiCompatibleLanguageModel} over HTTP) or client-supplied log-probs
 * ({@link dev.shears.lm.ClientLogProbs}).
 *
 * <p>Conventions: log-probs are natural logs; offsets are UTF-16 char offsets into the scored continuation or
 * generated text; a token with nothing before it (empty prompt, no BOS) has log-prob NaN and is skipped by
 * {@link dev.shears.lm.ScoredText#sum()}/{@link dev.shears.lm.ScoredText#mean()}; failures are
 * {@link dev.shears.lm.LanguageModelException}s with a {@link dev.shears.lm.LanguageModelException.Kind}.
 */
package dev.shears.lm;
