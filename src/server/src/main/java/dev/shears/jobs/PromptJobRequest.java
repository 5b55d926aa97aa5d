package dev.shears.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code POST /v1/prompt/jobs}: a few-shot classification prompt (optional instruction, demonstrations, label
 * words), the fitness and held-out examples, the search budget and the seed. Labels index {@code label_words}.
 */
public record PromptJobRequest(
        String instruction,
        List<Example> demonstrations,
        @JsonProperty("label_words") List<String> labelWords,
        @JsonProperty("fitness_examples") List<Example> fitnessExamples,
        @JsonProperty("held_out_examples") List<Example> heldOutExamples,
        Budget budget,
        @JsonProperty("population_size") Integer populationSize,
        Integer offspring,
        @JsonProperty("min_mean_length") Double minMeanLength,
        Long seed) {

    public record Example(String input, Integer label) {}

    public record Budget(
            @JsonProperty("max_evaluations") Integer maxEvaluations,
            @JsonProperty("max_generations") Integer maxGenerations,
            @JsonProperty("max_seconds") Long maxSeconds) {}
}
