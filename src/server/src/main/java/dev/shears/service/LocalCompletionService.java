package dev.shears.service;

import dev.shears.config.ShearsConfig;
import dev.shears.lm.Completion;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.LanguageModelQueue;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.TokenLogProb;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;

/**
 * Runs {@link GenerationPlan}s on the local language model, through the {@link LanguageModel} SPI, for the
 * OpenAI-compatible endpoints: admission (at most {@code shears.limits.max-concurrent-requests} in flight, counted
 * apart from pruning), the model's queue (deadline {@code shears.limits.request-timeout}, a hung-up client's calls
 * dropped), echo scoring, sampling, token accounting and stage timings ({@code score}, {@code generate}).
 */
@ApplicationScoped
public class LocalCompletionService {

    @Inject
    LocalLanguageModel local;

    @Inject
    LanguageModelFailures failures;

    @Inject
    RequestAdmission admission;

    @Inject
    ShearsConfig config;

    @Inject
    MeterRegistry registry;

    /** One choice: its text (prompt first when echoed) and tokens with offsets into that text. */
    public record Choice(String text, List<TokenLogProb> tokens, String finishReason) {}

    /** Choices in prompt-major order ({@code prompt * n + j}), token counts and timings. */
    public record Result(String model, List<Choice> choices, int promptTokens, int completionTokens,
                         RequestTimings timings) {}

    public String modelId() {
        return local.require().model().id();
    }

    public int contextLength() {
        return local.require().model().contextLength();
    }

    public Result run(GenerationPlan plan, String endpoint, BooleanSupplier abandoned) {
        LanguageModelQueue queue = local.require();
        LanguageModel model = queue.forRequest(config.limits().requestTimeout(), abandoned);
        return admission.languageModel().call(() -> {
            RequestTimings timings = new RequestTimings(registry, endpoint, abandoned);
            try {
                return execute(model, queue.model()::countTokens, plan, timings);
            } catch (LanguageModelException e) {
                throw failures.translate(e);
            }
        });
    }

    /**
     * @param countTokens the local model's tokenizer, called on the request thread: counting is no model work, and
     *     queueing it would make every prompt wait its turn twice
     */
    private Result execute(LanguageModel model, ToIntFunction<String> countTokens, GenerationPlan plan, RequestTimings timings) {
        List<ScoredText> echoed = plan.echo() ? timings.time("score", () -> model.scorePrompts(plan.prompts())) : null;
        List<Choice> choices = new ArrayList<>(plan.prompts().size() * plan.n());
        int promptTokens = 0;
        int completionTokens = 0;
        for (int p = 0; p < plan.prompts().size(); p++) {
            String prompt = plan.prompts().get(p);
            promptTokens += countTokens.applyAsInt(prompt);
            List<Completion> completions = plan.maxTokens() == 0 ? nothingGenerated(plan.n())
                    : timings.time("generate", () -> model.sample(new SamplingRequest(prompt, plan.n(),
                            plan.temperature(), plan.topP(), plan.maxTokens(), plan.stop(), plan.seed())));
            for (Completion c : completions) {
                completionTokens += c.tokens().size();
                choices.add(plan.echo() ? echo(prompt, echoed.get(p), c) : new Choice(c.text(), c.tokens(), c.finishReason()));
            }
        }
        return new Result(model.id(), choices, promptTokens, completionTokens, timings);
    }

    private static List<Completion> nothingGenerated(int n) {
        List<Completion> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Completion("", List.of(), Completion.LENGTH));
        }
        return out;
    }

    /** Prompt tokens (offsets as scored) followed by the generated ones, shifted past the prompt. */
    private static Choice echo(String prompt, ScoredText promptTokens, Completion c) {
        List<TokenLogProb> tokens = new ArrayList<>(promptTokens.tokens());
        int shift = prompt.length();
        for (TokenLogProb t : c.tokens()) {
            tokens.add(new TokenLogProb(t.tokenId(), t.token(), t.start() + shift, t.end() + shift, t.logProb()));
        }
        return new Choice(prompt + c.text(), tokens, c.finishReason());
    }
}
