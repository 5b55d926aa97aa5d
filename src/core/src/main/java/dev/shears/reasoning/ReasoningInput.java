package dev.shears.reasoning;

import dev.shears.lm.TokenLogProb;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A chain of thought to prune.
 *
 * @param question        what the chain answers; it conditions every step's surprisal
 * @param reasoning       the chain's text
 * @param steps           its steps, or null to have {@link StepSplitter} cut them
 * @param answer          the final answer, outside the chain and never pruned; when null the chain's last step is
 *                        taken as its answer and protected
 * @param anchor          a short direct solution that guides the coarse stage; null for none
 * @param protectedSteps  indices of steps never to remove
 * @param clientLogProbs  the chain's own token log-probs (offsets into {@code reasoning}) as its generator reported
 *                        them, used instead of a scoring model; null for none
 */
public record ReasoningInput(String question, String reasoning, List<Step> steps, String answer, String anchor,
                             Set<Integer> protectedSteps, List<TokenLogProb> clientLogProbs) {

    public ReasoningInput {
        protectedSteps = protectedSteps == null ? Set.of() : Set.copyOf(protectedSteps);
    }

    public static ReasoningInput of(String question, String reasoning) {
        return new ReasoningInput(question, reasoning, null, null, null, null, null);
    }

    /** A chain given as separate steps, joined with blank lines as ASAP joins them. */
    public static ReasoningInput ofSteps(String question, List<String> stepTexts) {
        StringBuilder text = new StringBuilder();
        List<Step> steps = new ArrayList<>(stepTexts.size());
        for (int i = 0; i < stepTexts.size(); i++) {
            int start = text.length();
            text.append(stepTexts.get(i));
            int contentEnd = text.length();
            if (i + 1 < stepTexts.size()) {
                text.append("\n\n");
            }
            steps.add(new Step(start, contentEnd, text.length()));
        }
        return new ReasoningInput(question, text.toString(), steps, null, null, null, null);
    }

    public ReasoningInput withAnswer(String answer) {
        return new ReasoningInput(question, reasoning, steps, answer, anchor, protectedSteps, clientLogProbs);
    }

    public ReasoningInput withAnchor(String anchor) {
        return new ReasoningInput(question, reasoning, steps, answer, anchor, protectedSteps, clientLogProbs);
    }

    public ReasoningInput withProtectedSteps(Set<Integer> indices) {
        return new ReasoningInput(question, reasoning, steps, answer, anchor, indices, clientLogProbs);
    }

    public ReasoningInput withClientLogProbs(List<TokenLogProb> logProbs) {
        return new ReasoningInput(question, reasoning, steps, answer, anchor, protectedSteps, logProbs);
    }
}
