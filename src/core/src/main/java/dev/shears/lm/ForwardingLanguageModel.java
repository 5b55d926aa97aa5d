package dev.shears.lm;

import java.util.List;

/**
 * A {@link LanguageModel} that passes every call to another; decorators (queues, caches, test doubles) override
 * what they change. Closing closes the wrapped model; a view that does not own it overrides {@link #close()}.
 */
public abstract class ForwardingLanguageModel implements LanguageModel {

    protected final LanguageModel delegate;

    protected ForwardingLanguageModel(LanguageModel delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<ScoredText> score(List<ScoringRequest> batch) {
        return delegate.score(batch);
    }

    @Override
    public List<Completion> sample(SamplingRequest r) {
        return delegate.sample(r);
    }

    @Override
    public List<ScoredText> scorePrompts(List<String> texts) {
        return delegate.scorePrompts(texts);
    }

    @Override
    public List<TokenLogProb> tokenize(String text) {
        return delegate.tokenize(text);
    }

    @Override
    public int countTokens(String text) {
        return delegate.countTokens(text);
    }

    @Override
    public int contextLength() {
        return delegate.contextLength();
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
