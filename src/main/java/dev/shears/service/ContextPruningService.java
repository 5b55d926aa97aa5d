package dev.shears.service;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.inference.BatchQueue;
import dev.shears.config.ShearsConfig;
import dev.shears.pruning.Document;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.PruningResult;
import dev.shears.runtime.InferenceException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * Runs context pruning for the REST layer: admission control (a request over the concurrency limit is
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
    ShearsConfig config;

    @Inject
    MeterRegistry registry;

    private Semaphore permits;

    @PostConstruct
    void init() {
        permits = new Semaphore(config.limits().maxConcurrentRequests());
    }

    public record Timed(PruningResult result, RequestTimings timings) {}

    /** Scores and prunes; {@code endpoint} tags the metrics ({@link #CONTEXT_PRUNE}, {@link #RERANK}). */
    public Timed prune(String endpoint, String query, List<Document> documents, PruningOptions options, BooleanSupplier abandoned) {
        if (!models.ready()) {
            throw new ShearsException(ErrorType.MODEL_UNAVAILABLE, "the model is still loading; retry when /q/health/ready is UP");
        }
        if (!permits.tryAcquire()) {
            throw new ShearsException(ErrorType.OVERLOADED, "too many requests in flight (limit "
                    + config.limits().maxConcurrentRequests() + ", shears.limits.max-concurrent-requests); retry shortly");
        }
        RequestTimings timings = new RequestTimings(registry, endpoint, abandoned);
        try {
            PruningResult result = models.pruner().prune(query, documents, options, timings);
            if (CONTEXT_PRUNE.equals(endpoint)) {
                count(result);
            }
            return new Timed(result, timings);
        } catch (BatchQueue.Overloaded e) {
            throw new ShearsException(ErrorType.OVERLOADED, e.getMessage());
        } catch (BatchQueue.TimedOut e) {
            throw new ShearsException(ErrorType.TIMEOUT, e.getMessage());
        } catch (InferenceException e) {
            throw new ShearsException(ErrorType.INTERNAL, "inference failed: " + e.getMessage(), e);
        } finally {
            permits.release();
        }
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
