package dev.shears.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** A job as {@code GET /v1/prompt/jobs/{id}} shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromptJob(
        String id,
        String state,
        int generation,
        int evaluations,
        @JsonProperty("max_evaluations") int maxEvaluations,
        @JsonProperty("best_fitness") Double bestFitness,
        @JsonProperty("best_prompt") String bestPrompt,
        JsonNode result,
        String error,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("updated_at") long updatedAt,
        @JsonProperty("finished_at") Long finishedAt,
        /** The replica that runs (or last ran) the job: {@code host/random} of its process; null while queued. */
        String replica) {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public boolean terminal() {
        return state.equals(SUCCEEDED) || state.equals(FAILED) || state.equals(CANCELLED);
    }
}
