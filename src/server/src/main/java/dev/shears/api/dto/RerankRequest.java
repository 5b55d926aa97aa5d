package dev.shears.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Cohere-compatible {@code POST /v1/rerank} and {@code /v2/rerank}: the fields Cohere's v1 and v2 APIs, and
 * the LangChain4j and quarkus-langchain4j Cohere clients, send. {@code model} is accepted whatever it names
 * (clients insist on one); Shears ranks with the model it serves and says which in {@code meta}.
 */
public record RerankRequest(
        String model,
        String query,
        @Schema(description = "Each a string, or an object {text, id?, title?, metadata?}; mixed is fine")
        List<JsonNode> documents,
        @JsonProperty("top_n") Integer topN,
        @JsonProperty("return_documents") Boolean returnDocuments,
        @JsonProperty("max_tokens_per_doc") Integer maxTokensPerDoc,
        @JsonProperty("max_chunks_per_doc") Integer maxChunksPerDoc,
        @JsonProperty("rank_fields") List<String> rankFields) {}
