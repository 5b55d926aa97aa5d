package dev.shears.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Cohere's rerank answer: results sorted by relevance, best first, each naming its input index. */
public record RerankResponse(String id, List<Result> results, Meta meta) {

    @Schema(name = "RerankResult")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(int index, @JsonProperty("relevance_score") double relevanceScore, Map<String, String> document) {}

    @Schema(name = "RerankMeta")
    public record Meta(@JsonProperty("api_version") Map<String, String> apiVersion,
            @JsonProperty("billed_units") Map<String, Integer> billedUnits, String model) {}
}
