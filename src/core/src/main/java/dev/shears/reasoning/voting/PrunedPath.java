package dev.shears.reasoning.voting;

/** A path that does not vote: {@link #NO_ANSWER} or {@link #LOW_PROBABILITY} (reasoning pruning). */
public record PrunedPath(int index, String reason) {
    public static final String NO_ANSWER = "no answer";
    public static final String LOW_PROBABILITY = "low probability";
}
