package dev.shears.api.dto.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** OpenAI's {@code chat.completion} object. */
public record ChatCompletionResponse(String id, String object, long created, String model, List<Choice> choices,
                                     Usage usage) {

    @Schema(name = "ChatCompletionChoice")
    public record Choice(int index, Message message, LogProbs logprobs,
                         @JsonProperty("finish_reason") String finishReason) {}

    @Schema(name = "ChatCompletionMessage")
    public record Message(String role, String content) {}

    /** The generated tokens' log-probs ({@code logprobs: true}). */
    @Schema(name = "ChatCompletionLogProbs")
    public record LogProbs(List<TokenLogProb> content) {}

    /** {@code bytes} are the token text's UTF-8 bytes; {@code top_logprobs} is always empty. */
    @Schema(name = "ChatCompletionTokenLogProb")
    public record TokenLogProb(String token, double logprob, int[] bytes,
                               @JsonProperty("top_logprobs") List<TokenLogProb> topLogprobs) {}
}
