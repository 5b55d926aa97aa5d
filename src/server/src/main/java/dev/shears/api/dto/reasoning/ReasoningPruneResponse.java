package dev.shears.api.dto.reasoning;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shears.reasoning.PrunedReasoning;
import dev.shears.reasoning.ScoredStep;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The pruned chain: kept steps as they stand in the input, in order, joined with the separators they had. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReasoningPruneResponse(
        @JsonProperty("pruned_reasoning") String prunedReasoning,
        String answer,
        List<StepOut> steps,
        @JsonProperty("tokens_before") int tokensBefore,
        @JsonProperty("tokens_after") int tokensAfter,
        @JsonProperty("tokens_saved") int tokensSaved,
        int budget,
        @Schema(description = "The scoring model's id, or 'client' for the request's own log-probs") String scorer,
        String mode,
        Coarse coarse) {

    /** A step: [start, end) in characters of the reasoning (steps given as an array are joined with blank lines). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "ReasoningStep")
    public record StepOut(int start, int end, String text, @JsonProperty("first_token") String firstToken,
                          @Schema(description = "-ln p(first token) in nats; null when the model gave none") Double surprisal,
                          int tokens, boolean kept, @JsonProperty("protected") boolean isProtected,
                          @JsonProperty("removed_by") @Schema(description = "null, coarse or surprisal") String removedBy) {}

    @Schema(name = "CoarseStage")
    public record Coarse(String outcome, String method, @JsonProperty("steps_removed") int stepsRemoved, String reason) {}

    public static ReasoningPruneResponse of(PrunedReasoning r, String answer) {
        List<StepOut> steps = r.steps().stream().map(ReasoningPruneResponse::step).toList();
        PrunedReasoning.Coarse c = r.coarse();
        return new ReasoningPruneResponse(r.prunedReasoning(), answer, steps, r.tokensBefore(), r.tokensAfter(),
                r.tokensBefore() - r.tokensAfter(), r.budget(), r.scorer(), r.mode().name().toLowerCase(Locale.ROOT),
                new Coarse(c.outcome(), c.method(), c.stepsRemoved(), c.reason()));
    }

    private static StepOut step(ScoredStep s) {
        Double surprisal = Double.isNaN(s.surprisal()) ? null : Math.round(s.surprisal() * 1e6) / 1e6;
        return new StepOut(s.start(), s.end(), s.text(), s.firstToken(), surprisal, s.tokens(), s.kept(), s.isProtected(),
                s.removedBy());
    }
}
