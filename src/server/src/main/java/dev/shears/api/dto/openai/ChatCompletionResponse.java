package dev.shears.api.dto.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** OpenAI's {@code chat.completion} object. */
public record ChatCompletionResponse(String id, String object, long created, String model, List<Choice> choices,
                                     Usage usage) {

    public record Choice(int index, Message message, LogProbs logprobs,
                         @JsonProperty("finish_reason") String finishReason) {}

    public record Message(String role, String content) {}

    /** The generated tokens' log-probs ({@code logprobs: true}). */
    public record LogProbs(List<TokenLogProb> content) {}

    /** {@code bytes} are the token text's UTF-8 bytes; {@code top_logprobs} is always empty. */
    public record TokenLogProb(String token, double logprob, int[] bytes,
                               @JsonProperty("top_logprobs") List<TokenLogProb> topLogprobs) {}
}
