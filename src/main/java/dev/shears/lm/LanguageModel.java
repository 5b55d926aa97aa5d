package dev.shears.lm;

import java.util.List;

/**
 * A causal language model that can score text (teacher-forced token log-probs) and sample continuations.
 * Implementations are thread-safe unless they say otherwise.
 */
public interface LanguageModel extends AutoCloseable {

    /** Log-probs of each request's continuation given its prompt, in request order. */
    List<ScoredText> score(List<ScoringRequest> batch);

    /** {@code r.n()} sampled completions. */
    List<Completion> sample(SamplingRequest r);

    /** Maximum number of tokens (prompt + continuation/generation) the model accepts. */
    int contextLength();

    /** A stable identifier of the model (directory name, served model name...). */
    String id();

    @Override
    void close();
}
