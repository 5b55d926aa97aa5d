package dev.shears.search;

import java.util.List;

/**
 * Outcome of a search: the chosen prompt (best of the elites on the held-out set) with its mask, its fitness and
 * held-out score, the original prompt's scores, the counts, why the search stopped, and the re-ranked elites.
 */
public record QuineResult(String bestPrompt, String bestMask, double bestFitness, double bestHeldOut,
        double originalFitness, double originalHeldOut, int evaluations, int generations, StopReason stopReason,
        List<Elite> elites) {

    public record Elite(String mask, String prompt, double fitness, double heldOut) {
    }

    public enum StopReason {
        EVALUATIONS, GENERATIONS, WALL_TIME, MIN_LENGTH, EXHAUSTED
    }
}
