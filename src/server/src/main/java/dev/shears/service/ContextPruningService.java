package dev.shears.service;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.inference.InferenceException;
import dev.shears.pruning.Document;
import dev.shears.pruning.DocumentScores;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.PruningResult;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Runs context pruning and reranking for the REST layer: admission (a request over the concurrency limit is
 * refused with 429 at once rather than queued without bound), stage timings, and the token accounting that
 * shows what pruning saves.
 */
@ApplicationScoped
public class ContextPruningService {

    public static final String CONTEXT_PRUNE = "context_prune";
    public static final String RERANK = "rerank";

    @Inject
    ShearsModels models;

    @Inject
    RequestAdmission admission;

    @Inject
    MeterRegistry registry;

    /** One document's relevance to the query, by its index in the request. */
    public record Ranked(int index, double score) {}

    /** The documents most relevant first (ties in input order), and the model that scored them. */
    public record Ranking(String model, List<Ranked> ranked) {}

    /** Scores and prunes. */
    public Timed<PruningResult> prune(String query, List<Document> documents, PruningOptions options, BooleanSupplier abandoned) {
        Timed<PruningResult> timed = run(CONTEXT_PRUNE, abandoned,
                timings -> models.pruner().prune(query, documents, options, timings));
        count(timed.result());
        return timed;
    }

    /**
     * Ranks documents by relevance: a document's score is its best sentence's, among the sentences that start
     * within its first {@code maxTokensPerDoc} tokens, so long documents are scored sentence by sentence and never
     * truncated unless asked; scores are rounded to six decimals.
     */
    public Timed<Ranking> rerank(String query, List<Document> documents, int maxTokensPerDoc, BooleanSupplier abandoned) {
        return run(RERANK, abandoned, timings -> {
            List<DocumentScores> scores = models.pruner().score(query, documents, timings);
            List<Ranked> ranked = IntStream.range(0, scores.size())
                    .mapToObj(i -> new Ranked(i, Math.round(scores.get(i).bestSentenceWithin(maxTokensPerDoc) * 1e6) / 1e6))
                    .sorted(Comparator.comparingDouble(Ranked::score).reversed().thenComparingInt(Ranked::index))
                    .toList();
            return new Ranking(models.pruner().model().id(), ranked);
        });
    }

    /** Admission, the model-ready check, stage timings ({@code endpoint} tags the metrics) and inference failures. */
    private <T> Timed<T> run(String endpoint, BooleanSupplier abandoned, Function<RequestTimings, T> work) {
        if (!models.ready()) {
            throw new ShearsException(ErrorType.MODEL_UNAVAILABLE, "the model is still loading; retry when /q/health/ready is UP");
        }
        return admission.pruning().call(() -> {
            RequestTimings timings = new RequestTimings(registry, endpoint, abandoned);
            try {
                return new Timed<>(work.apply(timings), timings);
            } catch (InferenceException e) {
                throw new ShearsException(ErrorType.INTERNAL, "inference failed: " + e.getMessage(), e);
            }
        });
    }

    private void count(PruningResult result) {
        registry.counter("shears.documents", "endpoint", CONTEXT_PRUNE).increment(result.documents().size());
        registry.counter("shears.chars", "endpoint", CONTEXT_PRUNE, "direction", "in").increment(result.charsBefore());
        registry.counter("shears.chars", "endpoint", CONTEXT_PRUNE, "direction", "out").increment(result.charsAfter());
        registry.counter("shears.tokens", "endpoint", CONTEXT_PRUNE, "direction", "in").increment(result.tokensBefore());
        registry.counter("shears.tokens", "endpoint", CONTEXT_PRUNE, "direction", "out").increment(result.tokensAfter());
        registry.counter("shears.tokens.saved", "endpoint", CONTEXT_PRUNE).increment(result.tokensBefore() - result.tokensAfter());
    }
}
