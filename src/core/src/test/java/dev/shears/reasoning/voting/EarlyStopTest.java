package dev.shears.reasoning.voting;

import static dev.shears.reasoning.voting.EarlyStop.Method.PERPLEXITY_CONSISTENCY;
import static dev.shears.reasoning.voting.EarlyStop.Method.SELF_CONSISTENCY;
import static dev.shears.reasoning.voting.PathVoterTest.EQUAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyStopTest {

    static List<ReasoningPath> paths(String answer, int count, double p, List<ReasoningPath> to) {
        for (int i = 0; i < count; i++) to.add(new ReasoningPath(answer + to.size(), answer, Math.log(p)));
        return to;
    }

    @Test
    void self_consistency_stops_when_the_remaining_votes_cannot_catch_up() {
        List<ReasoningPath> seen = paths("B", 1, 0.5, paths("A", 6, 0.5, new ArrayList<>()));
        EarlyStop.Decision d = EarlyStop.check(seen, 10, EQUAL, SELF_CONSISTENCY); // 6 > 1 + 3
        assertTrue(d.stop());
        assertEquals("A", d.leader());
        assertEquals(3, d.samplesSaved());
        assertEquals(new EarlyStop.Decision(false, "A", 0, 6, 1), EarlyStop.check(seen, 12, EQUAL, SELF_CONSISTENCY)); // 6 > 1 + 5 fails
    }

    @Test
    void a_possible_tie_does_not_stop() {
        List<ReasoningPath> seen = paths("B", 1, 0.5, paths("A", 5, 0.5, new ArrayList<>()));
        assertFalse(EarlyStop.check(seen, 10, EQUAL, SELF_CONSISTENCY).stop()); // 5 vs 1 + 4
        assertTrue(EarlyStop.check(seen, 9, EQUAL, SELF_CONSISTENCY).stop());
    }

    @Test
    void perplexity_consistency_bounds_each_unseen_path_by_probability_one() {
        // A: 3 distinct paths at 0.9 = 2.7; B: 2 at 0.1 = 0.2; 2 to come: 2.7 > 0.2 + 2, while SC's 3 > 2 + 2 fails
        List<ReasoningPath> seen = paths("B", 2, 0.1, paths("A", 3, 0.9, new ArrayList<>()));
        EarlyStop.Decision pc = EarlyStop.check(seen, 7, EQUAL, PERPLEXITY_CONSISTENCY);
        assertTrue(pc.stop());
        assertEquals(2, pc.samplesSaved());
        assertEquals(2.7, pc.leaderScore(), 1e-12);
        assertFalse(EarlyStop.check(seen, 7, EQUAL, SELF_CONSISTENCY).stop());
        assertFalse(EarlyStop.check(seen, 8, EQUAL, PERPLEXITY_CONSISTENCY).stop()); // 2.7 vs 0.2 + 3
    }

    @Test
    void identical_completions_add_nothing_to_the_pc_lead() {
        List<ReasoningPath> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) seen.add(new ReasoningPath("same", "A", Math.log(0.9)));
        seen.add(new ReasoningPath("other", "B", Math.log(0.5)));
        EarlyStop.Decision d = EarlyStop.check(seen, 8, EQUAL, PERPLEXITY_CONSISTENCY); // 0.9 vs 0.5 + 2
        assertFalse(d.stop());
        assertEquals(0.9, d.leaderScore(), 1e-12);
        assertTrue(EarlyStop.check(seen, 8, EQUAL, SELF_CONSISTENCY).stop()); // 5 > 1 + 2
    }

    @Test
    void the_spent_budget_stops_and_an_overspent_one_is_an_error() {
        List<ReasoningPath> seen = paths("B", 2, 0.5, paths("A", 2, 0.5, new ArrayList<>()));
        assertEquals(new EarlyStop.Decision(true, "A", 0, 2, 2), EarlyStop.check(seen, 4, EQUAL, SELF_CONSISTENCY));
        assertEquals(new EarlyStop.Decision(false, null, 0, 0, 0), EarlyStop.check(List.of(), 4, EQUAL, SELF_CONSISTENCY));
        assertThrows(IllegalArgumentException.class, () -> EarlyStop.check(seen, 3, EQUAL, SELF_CONSISTENCY));
    }
}
