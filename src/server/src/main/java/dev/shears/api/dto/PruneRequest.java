package dev.shears.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /v1/context/prune}. {@code documents} holds strings or {@code {id, text, title?, metadata?}}
 * objects (mixed is fine); unknown fields are refused so that a misspelt option never silently does nothing.
 */
public record PruneRequest(
        String query,
        @Schema(description = "Each a string, or an object {text, id?, title?, metadata?}; mixed is fine")
        List<JsonNode> documents,
        Double threshold,
        @JsonProperty("top_n") Integer topN,
        @JsonProperty("always_keep_title") Boolean alwaysKeepTitle,
        @JsonProperty("target_ratio") Double targetRatio,
        @JsonProperty("token_budget") Integer tokenBudget,
        @JsonProperty("return_sentences") Boolean returnSentences) {}
