package dev.shears.lm;

import dev.shears.inference.Admission;
import dev.shears.inference.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A {@link LanguageModel} whose calls wait their turn in a bounded {@link WorkQueue}: a full queue refuses at once
 * (429), a call that misses its deadline fails (504), and the call of a caller who hung up is dropped before it
 * runs. {@link #forRequest} gives the model as one request sees it, bound to its deadline and hang-up signal.
 */
public final class LanguageModelQueue implements AutoCloseable {

    private final LanguageModel model;
    private final WorkQueue queue;

    /**
     * @param maxQueued calls waiting or running before new ones are refused
     * @param configKey the setting behind {@code maxQueued}, named in the 429 message
     */
    public LanguageModelQueue(LanguageModel model, int maxQueued, String configKey) {
        this.model = model;
        this.queue = new WorkQueue(model.id(), new Admission(maxQueued, "language-model calls queued", configKey), 1);
    }

    /** This model as seen by one request: its calls fail after {@code timeout} and are dropped once {@code abandoned}. */
    public LanguageModel forRequest(Duration timeout, BooleanSupplier abandoned) {
        return new RequestView(timeout, abandoned);
    }

    /** The model behind the queue. */
    public LanguageModel model() {
        return model;
    }

    public WorkQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        queue.close();
        model.close();
    }

    private final class RequestView extends ForwardingLanguageModel {
        private final Duration timeout;
        private final BooleanSupplier abandoned;

        RequestView(Duration timeout, BooleanSupplier abandoned) {
            super(model);
            this.timeout = timeout;
            this.abandoned = abandoned;
        }

        @Override
        public List<ScoredText> score(List<ScoringRequest> batch) {
            return queue.submit(() -> model.score(batch), timeout, abandoned);
        }

        @Override
        public List<Completion> sample(SamplingRequest r) {
            return queue.submit(() -> model.sample(r), timeout, abandoned);
        }

        @Override
        public List<ScoredText> scorePrompts(List<String> texts) {
            return queue.submit(() -> model.scorePrompts(texts), timeout, abandoned);
        }

        @Override
        public List<TokenLogProb> tokenize(String text) {
            return queue.submit(() -> model.tokenize(text), timeout, abandoned);
        }

        @Override
        public int countTokens(String text) {
            return queue.submit(() -> model.countTokens(text), timeout, abandoned);
        }

        /** The view owns nothing; closing the model is its owner's business. */
        @Override
        public void close() {}
    }
}
