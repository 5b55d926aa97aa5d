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

    /**
     * Log-probs of each text's tokens read as a prompt, the way echo servers (vLLM {@code echo} with
     * {@code max_tokens: 0}) report them. By default, {@link #score} with an empty prompt.
     */
    default List<ScoredText> scorePrompts(List<String> texts) {
        return score(texts.stream().map(ScoringRequest::of).toList());
    }

    /** Number of tokens {@code text} is to the model; by default counted by scoring it. */
    default int countTokens(String text) {
        return scorePrompts(List.of(text)).get(0).tokens().size();
    }

    /**
     * The tokens {@code text} is to this model, in order, with their UTF-16 character spans into {@code text}
     * ({@code start}/{@code end}); their log-probs are not needed and may be {@link Double#NaN}. Searches that
     * delete tokens (PromptQuine) need this. By default derived from {@link #scorePrompts} (one forward pass);
     * a model that owns its tokenizer should override it with a plain encode.
     */
    default List<TokenLogProb> tokenize(String text) {
        return text.isEmpty() ? List.of() : scorePrompts(List.of(text)).get(0).tokens();
    }

    /** Maximum number of tokens (prompt + continuation/generation) the model accepts. */
    int contextLength();

    /** A stable identifier of the model (directory name, served model name...). */
    String id();

    @Override
    void close();
}
