package dev.shears.api.dto.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /local/v1/chat/completions}, OpenAI's chat request (text content only). */
public record ChatCompletionRequest(
        String model,
        List<Message> messages,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        Integer n,
        @Schema(description = "A string or a list of strings") JsonNode stop,
        Long seed,
        Boolean logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        Boolean stream,
        String user) {

    /** One message: {@code role} is system, user or assistant; {@code content} plain text. */
    @Schema(name = "ChatMessage")
    public record Message(String role, String content, String name) {}
}
