package dev.shears.reasoning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.Size;

/** Invariants of step pruning for arbitrary chains and budgets. */
class ReasoningPrunerPropertiesTest {

    /** Log-probs that depend on the word only, spread over (-5, 0]. */
    static final WordScorer SCORER = new WordScorer((word, before) -> -Math.abs(word.hashCode() % 500) / 100.0, null);

    @Property(tries = 200)
    void kept_steps_are_exact_spans_in_order_the_answer_stays_and_a_tighter_budget_never_keeps_more(
            @ForAll @Size(min = 1, max = 12) List<@NotBlank String> stepTexts,
            @ForAll @DoubleRange(min = 0.01, max = 1.0) double ratio,
            @ForAll @DoubleRange(min = 0.01, max = 1.0) double other) {
        List<String> steps = stepTexts.stream().map(s -> s.strip().replaceAll("\\s+", " ")).filter(s -> !s.isEmpty()).toList();
        if (steps.isEmpty()) {
            return;
        }
        ReasoningInput in = ReasoningInput.ofSteps("What is it?", steps);
        ReasoningPruner pruner = new ReasoningPruner(SCORER);
        PrunedReasoning loose = pruner.prune(in, ReasoningOptions.keep(Math.max(ratio, other)));
        PrunedReasoning tight = pruner.prune(in, ReasoningOptions.keep(Math.min(ratio, other)));
        StringBuilder expected = new StringBuilder();
        String lastSeparator = null;
        for (int i = 0; i < loose.steps().size(); i++) {
            ScoredStep s = loose.steps().get(i);
            assertEquals(in.reasoning().substring(s.start(), s.end()), s.text());
            assertTrue(!tight.steps().get(i).kept() || s.kept(), "a tighter budget keeps a subset");
            if (s.kept()) {
                if (lastSeparator != null) {
                    expected.append(lastSeparator);
                }
                expected.append(s.text());
                lastSeparator = i + 1 < steps.size() ? "\n\n" : "";
            }
        }
        assertEquals(expected.toString(), loose.prunedReasoning(), "kept steps, in order, with their separators");
        assertTrue(loose.steps().get(steps.size() - 1).kept() && tight.steps().get(steps.size() - 1).kept(), "the answer stays");
        assertTrue(tight.tokensAfter() <= loose.tokensAfter());
        boolean onlyProtectedLeft = tight.steps().stream().filter(ScoredStep::kept).allMatch(ScoredStep::isProtected);
        assertTrue(tight.tokensAfter() <= tight.budget() || onlyProtectedLeft, "the budget is met unless only the answer is left");
    }
}
