package dev.shears.service;

import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelException;
import dev.shears.reasoning.PrunedReasoning;
import dev.shears.reasoning.ReasoningInput;
import dev.shears.reasoning.ReasoningOptions;
import dev.shears.reasoning.ReasoningPruner;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;

/**
 * Reasoning-step pruning for the REST layer: picks the scoring model ({@code shears.reasoning.scorer}), admits the
 * request with the language-model endpoints' concurrency limit, times it and counts the tokens it saves. A chain
 * that brings its own log-probs needs no model, unless its coarse stage must write an anchor.
 */
@ApplicationScoped
public class ReasoningService {

    public static final String REASONING_PRUNE = "reasoning_prune";

    @Inject
    ReasoningScorers scorers;

    @Inject
    RequestAdmission admission;

    @Inject
    LanguageModelFailures failures;

    @Inject
    MeterRegistry registry;

    public Timed<PrunedReasoning> prune(ReasoningInput input, ReasoningOptions options, BooleanSupplier abandoned) {
        return admission.languageModel().call(() -> {
            RequestTimings timings = new RequestTimings(registry, REASONING_PRUNE, abandoned);
            boolean needsModel = input.clientLogProbs() == null || options.generateAnchor();
            LanguageModel scorer = needsModel ? scorers.forRequest(abandoned) : null;
            try {
                PrunedReasoning result = timings.time("prune", () -> new ReasoningPruner(scorer).prune(input, options));
                count(result);
                return new Timed<>(result, timings);
            } catch (LanguageModelException e) {
                throw failures.translate(e);
            }
        });
    }

    private void count(PrunedReasoning r) {
        registry.counter("shears.tokens", "endpoint", REASONING_PRUNE, "direction", "in").increment(r.tokensBefore());
        registry.counter("shears.tokens", "endpoint", REASONING_PRUNE, "direction", "out").increment(r.tokensAfter());
        registry.counter("shears.tokens.saved", "endpoint", REASONING_PRUNE).increment(r.tokensBefore() - r.tokensAfter());
    }
}
