package dev.shears.reasoning.voting;

import java.util.List;

/**
 * An answer-equivalence class.
 *
 * @param answer      representative: the answer of the class's first path
 * @param probability normalised PC confidence ({@code score / Σ scores})
 * @param paths       indices of all paths in the class (pruned included), ascending
 * @param votes       number of paths in the class, pruned included
 * @param score       unnormalised PC score: Σ p over the distinct completion texts of its unpruned paths
 */
public record AnswerClass(String answer, double probability, List<Integer> paths, int votes, double score) {
    public AnswerClass {
        paths = List.copyOf(paths);
    }
}
