package dev.shears.api.dto.reasoning;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /v1/reasoning/vote}: sampled reasoning paths (or how many to sample) for one question. */
public record VoteRequest(
        @Schema(description = "What the paths answer", required = true) String question,
        @Schema(description = "The sampled paths; give paths or n") List<PathIn> paths,
        @Schema(description = "Sample this many paths from the configured model instead (it must generate)") Integer n,
        @Schema(description = "auto (default), boxed, answer-is, gsm8k, final-line, choice or last-number") String extractor,
        @JsonProperty("answer_regex") @Schema(description = "A regular expression whose first group is the answer; its last match wins") String answerRegex,
        @Schema(description = "Sampling temperature with n; default 0.8") Double temperature,
        @JsonProperty("max_tokens") @Schema(description = "Longest sampled path with n, in tokens; default 256") Integer maxTokens,
        @Schema(description = "Seed for sampling with n") Long seed,
        @JsonProperty("early_stop") @Schema(description = "With n: stop sampling once the leading answer cannot be overtaken") Boolean earlyStop) {

    /** One path: its text, and optionally its answer and its probability (mean token log-prob, or its tokens' log-probs). */
    public record PathIn(
            String text,
            @Schema(description = "The path's answer; extracted from text when absent") String answer,
            @JsonProperty("mean_logprob") @Schema(description = "Mean log-prob of the path's tokens") Double meanLogprob,
            @Schema(description = "The path's tokens as OpenAI returns them in logprobs.content") List<ReasoningPruneRequest.LogProb> logprobs) {}
}
