package dev.shears.api.dto.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** OpenAI's {@code text_completion} object. */
public record CompletionResponse(String id, String object, long created, String model, List<Choice> choices,
                                 Usage usage) {

    @Schema(name = "CompletionChoice")
    public record Choice(int index, String text, LogProbs logprobs,
                         @JsonProperty("finish_reason") String finishReason) {}

    /**
     * Per-token log-probs: {@code token_logprobs[i]} is null for a first token nothing predicts;
     * {@code text_offset[i]} is where the token starts in {@code text}. {@code top_logprobs} is always null
     * (alternatives are not computed).
     */
    @Schema(name = "CompletionLogProbs")
    public record LogProbs(List<String> tokens,
                           @JsonProperty("token_logprobs") List<Double> tokenLogprobs,
                           @JsonProperty("text_offset") List<Integer> textOffset,
                           @JsonProperty("top_logprobs") List<Map<String, Double>> topLogprobs) {}
}
