package dev.shears.api.dto.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /local/v1/completions}, OpenAI's legacy completions request. {@code prompt} is a string or a list
 * of strings; {@code stop} a string or a list. {@code echo} with {@code max_tokens: 0} returns the prompt's own
 * log-probs (vLLM's "echo without generation").
 */
public record CompletionRequest(
        String model,
        @Schema(description = "A string or a list of strings") JsonNode prompt,
        @JsonProperty("max_tokens") Integer maxTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        Integer n,
        @Schema(description = "A string or a list of strings") JsonNode stop,
        Long seed,
        Integer logprobs,
        Boolean echo,
        Boolean stream,
        String user) {}
