package dev.shears.api.dto.reasoning;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /v1/reasoning/prune}: a chain of thought (as text, or as separate steps) and how much of it to keep.
 * Unknown fields are refused.
 */
public record ReasoningPruneRequest(
        @Schema(description = "What the chain answers; conditions every step's surprisal", required = true) String question,
        @Schema(description = "The chain as text; steps are its paragraphs, or its lines when it has no blank line") String reasoning,
        @Schema(description = "The chain as separate steps (instead of 'reasoning'); joined with blank lines") List<String> steps,
        @Schema(description = "The final answer, never pruned; without it the chain's last step is protected") String answer,
        @JsonProperty("keep_ratio") @Schema(description = "Share of the chain's tokens to keep; default 0.8") Double keepRatio,
        @JsonProperty("max_tokens") @Schema(description = "Token budget instead of keep_ratio") Integer maxTokens,
        @Schema(description = "global (default): score once; iterative: re-score after each removal") String mode,
        @Schema(description = "A short direct solution guiding the coarse stage") String anchor,
        @JsonProperty("generate_anchor") @Schema(description = "Have the scoring model write the anchor (needs a model that generates)") Boolean generateAnchor,
        @Schema(description = "Indices of steps never to remove") List<Integer> protect,
        @Schema(description = "The reasoning's own tokens as OpenAI returns them in logprobs.content: {token, logprob, bytes?, top_logprobs?}")
        List<LogProb> logprobs) {

    /** One entry of OpenAI's {@code logprobs.content}; {@code top_logprobs} is accepted and ignored. */
    public record LogProb(String token, Double logprob, List<Integer> bytes,
                          @JsonProperty("top_logprobs") @Schema(description = "Ignored") JsonNode topLogprobs) {}
}
