package dev.shears.api.dto.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /local/v1/models}: the served model (none when no local model is configured). */
public record ModelList(String object, List<Model> data) {

    /** {@code max_model_len} is the context length in tokens, as vLLM reports it. */
    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy,
                        @JsonProperty("max_model_len") int maxModelLen) {}
}
