package dev.shears.search;

import java.util.List;

/** Task performance of candidate prompts (higher is better), in input order. Deterministic for a given prompt. */
@FunctionalInterface
public interface PromptFitness {
    List<Double> evaluate(List<String> prompts);
}
