package dev.shears.api.dto.reasoning;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** RPC's answer with normalised confidences, the pruned paths, and the self-consistency and perplexity baselines. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VoteResponse(
        String answer,
        double confidence,
        List<AnswerOut> answers,
        List<PrunedOut> pruned,
        @JsonProperty("self_consistency") Baseline selfConsistency,
        Baseline perplexity,
        @Schema(description = "Where path probabilities came from: the scoring model's id, client, or mixed") String scorer,
        @Schema(description = "The paths voted on, when Shears sampled them") List<SampledPath> sampled,
        @JsonProperty("samples_saved") @Schema(description = "Samples early stopping did not draw") Integer samplesSaved,
        @Schema(description = "How the Weibull mixture fit went (or why pruning was skipped)") String fit) {

    @Schema(name = "VoteAnswer")
    public record AnswerOut(String answer, double probability, List<Integer> paths, int votes) {}

    @Schema(name = "PrunedPath")
    public record PrunedOut(int index, String reason) {}

    @Schema(name = "VoteBaseline")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Baseline(String answer, double confidence) {}

    @Schema(name = "SampledPath")
    public record SampledPath(String text, String answer, @JsonProperty("mean_logprob") double meanLogprob) {}
}
