package dev.shears.reasoning.voting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PathVoterTest {

    static final BiPredicate<String, String> EQUAL = Objects::equals;

    static ReasoningPath path(String text, String answer, double p) {
        return new ReasoningPath(text, answer, Math.log(p));
    }

    @Test
    void posterior_of_the_high_component_matches_the_formula() {
        // w=0.6, hi W(k=2, λ=0.8), lo W(k=1, λ=0.3); r = w·W_hi / (w·W_hi + (1−w)·W_lo), computed by hand
        WeibullFit fit = new WeibullFit(0.6, 2, 0.8, 1, 0.3, 0);
        assertEquals(0.7158200355133796, fit.posteriorHigh(0.5), 1e-12);
        assertEquals(0.3397643205853092, fit.posteriorHigh(0.2), 1e-12);
        assertEquals(0.8855573816813991, fit.posteriorHigh(0.95), 1e-12);
        assertEquals(2.5 * 0.625 * Math.exp(-0.390625), Math.exp(WeibullMixture.logPdf(0.5, 2, 0.8)), 1e-12);
    }

    @Test
    void prunes_only_paths_in_the_low_component_and_below_the_mean() {
        // hi W(20, 0.8) is narrow, lo W(1.5, 0.6) wide: r_hi(0.3)≈1.6e-7, r_hi(0.5)≈3.1e-3, r_hi(0.8)≈0.94, r_hi(0.99)≈6e-28
        WeibullFit fit = new WeibullFit(0.5, 20, 0.8, 1.5, 0.6, 0);
        double[] p = {0.3, 0.5, 0.8, 0.99}; // mean 0.6475
        assertTrue(fit.posteriorHigh(0.99) < 0.5);
        assertArrayEquals(new boolean[] {true, true, false, false}, PathVoter.lowProbability(p, fit));
    }

    @Test
    void a_low_cluster_is_pruned_and_loses_to_fewer_confident_paths() {
        List<ReasoningPath> paths = new ArrayList<>();
        double[] high = {0.86, 0.88, 0.9, 0.87, 0.89, 0.91};
        double[] low = {0.2, 0.25, 0.3, 0.22, 0.28, 0.24, 0.26, 0.21};
        for (int i = 0; i < high.length; i++) paths.add(path("h" + i, "A", high[i]));
        for (int i = 0; i < low.length; i++) paths.add(path("l" + i, "B", low[i]));
        Vote vote = PathVoter.vote(paths, EQUAL);

        assertNotNull(vote.fit(), vote.fitNote());
        assertEquals("A", vote.answer());
        assertEquals(1.0, vote.confidence(), 1e-12);
        assertEquals(low.length, vote.pruned().size());
        assertTrue(vote.pruned().stream().allMatch(pp -> pp.index() >= high.length && pp.reason().equals(PrunedPath.LOW_PROBABILITY)));
        assertEquals(new Baseline("B", 8 / 14.0), vote.selfConsistency());
        assertEquals("A", vote.perplexity().answer());
        assertEquals(0.91, vote.perplexity().confidence(), 1e-12);
        AnswerClass b = vote.answers().get(1);
        assertEquals("B", b.answer());
        assertEquals(8, b.votes());
        assertEquals(0.0, b.score());
    }

    @Test
    void identical_completions_count_once_and_different_ones_add_up() {
        List<ReasoningPath> paths = List.of(
                path("same", "A", 0.8), path("same", "A", 0.8), path("one", "B", 0.5), path("two", "B", 0.6));
        Vote vote = PathVoter.vote(paths, EQUAL); // 4 paths: not fitted, nothing pruned
        assertNull(vote.fit());
        assertEquals("B", vote.answer());
        assertEquals(1.1 / 1.9, vote.confidence(), 1e-12);
        assertEquals(List.of(0.8, 1.1), vote.answers().stream().map(AnswerClass::score).sorted().map(s -> Math.round(s * 1e12) / 1e12).toList());
        // SC: 2 vs 2, the class whose first path came first; PPL: the 0.8 path
        assertEquals(new Baseline("A", 0.5), vote.selfConsistency());
        assertEquals("A", vote.perplexity().answer());
        assertEquals(0.8, vote.perplexity().confidence(), 1e-12);
    }

    @Test
    void ties_go_to_the_class_whose_first_path_came_first_and_are_reported() {
        Vote ab = PathVoter.vote(List.of(path("x", "A", 0.5), path("y", "B", 0.5)), EQUAL);
        Vote ba = PathVoter.vote(List.of(path("y", "B", 0.5), path("x", "A", 0.5)), EQUAL);
        assertEquals("A", ab.answer());
        assertEquals("B", ba.answer());
        assertEquals(0.5, ab.confidence(), 1e-12);
        assertEquals(2, ab.tied().size());
        assertEquals(1, PathVoter.vote(List.of(path("x", "A", 0.5), path("y", "B", 0.4)), EQUAL).tied().size());
    }

    @Test
    void equivalence_merges_classes_and_the_first_answer_represents_them() {
        BiPredicate<String, String> numeric = (a, b) -> value(a) == value(b);
        List<ReasoningPath> paths = List.of(path("p", "1/2", 0.5), path("q", "7", 0.7), path("r", "0.5", 0.4));
        Vote vote = PathVoter.vote(paths, numeric);
        assertEquals("1/2", vote.answer());
        assertEquals(List.of(0, 2), vote.answers().get(0).paths());
        assertEquals(new Baseline("1/2", 2 / 3.0), vote.selfConsistency());
        assertEquals("7", vote.perplexity().answer());
    }

    static double value(String s) {
        String[] f = s.split("/");
        return f.length == 2 ? Double.parseDouble(f[0]) / Double.parseDouble(f[1]) : Double.parseDouble(s);
    }

    @Test
    void paths_without_an_answer_do_not_vote() {
        List<ReasoningPath> paths = List.of(path("a", null, 0.99), path("b", "B", 0.3), path("c", "C", 0.2), path("d", "C", 0.05));
        Vote vote = PathVoter.vote(paths, EQUAL);
        assertEquals(List.of(new PrunedPath(0, PrunedPath.NO_ANSWER)), vote.pruned());
        assertEquals(2, vote.answers().size());
        assertEquals(new Baseline("C", 2 / 3.0), vote.selfConsistency());
        assertEquals("B", vote.perplexity().answer());
        assertEquals("B", vote.answer()); // PC: 0.3 vs 0.25
    }

    @Test
    void no_answers_at_all_give_no_answer() {
        Vote vote = PathVoter.vote(List.of(path("a", null, 0.9), path("b", null, 0.8)), EQUAL);
        assertNull(vote.answer());
        assertEquals(0, vote.confidence());
        assertEquals(2, vote.pruned().size());
        assertEquals(new Baseline(null, 0), vote.selfConsistency());
        assertNull(PathVoter.vote(List.of(), EQUAL).answer());
    }

    @Test
    void falls_back_to_no_pruning_below_the_minimum_and_on_equal_probabilities() {
        List<ReasoningPath> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) nine.add(path("t" + i, i < 3 ? "A" : "B", i < 3 ? 0.9 : 0.1 + i * 0.01));
        Vote small = PathVoter.vote(nine, EQUAL);
        assertNull(small.fit());
        assertTrue(small.fitNote().contains("9 paths < 10"), small.fitNote());
        assertTrue(small.pruned().isEmpty());

        List<ReasoningPath> equal = new ArrayList<>();
        for (int i = 0; i < 20; i++) equal.add(path("t" + i, i % 3 == 0 ? "A" : "B", 0.7));
        Vote flat = PathVoter.vote(equal, EQUAL);
        assertNull(flat.fit());
        assertTrue(flat.fitNote().contains("1 distinct"), flat.fitNote());
        assertEquals("B", flat.answer());
    }

    @Test
    void non_finite_log_probs_are_clamped() {
        List<ReasoningPath> paths = new ArrayList<>();
        for (int i = 0; i < 15; i++) paths.add(path("t" + i, "A", 0.6 + 0.02 * i));
        paths.add(new ReasoningPath("nan", "B", Double.NaN));
        paths.add(new ReasoningPath("neg", "B", Double.NEGATIVE_INFINITY));
        paths.add(new ReasoningPath("pos", "C", Double.POSITIVE_INFINITY));
        assertEquals(1e-12, paths.get(15).probability());
        assertEquals(1e-12, paths.get(16).probability());
        assertEquals(1.0, paths.get(17).probability());
        Vote vote = PathVoter.vote(paths, EQUAL);
        assertEquals("A", vote.answer());
        assertEquals("C", vote.perplexity().answer());
        assertTrue(vote.answers().stream().allMatch(c -> Double.isFinite(c.probability())));
        if (vote.fit() != null) assertTrue(Double.isFinite(vote.fit().nll()));
    }

    @Test
    void when_only_unanswered_paths_survive_pruning_the_vote_is_unpruned() {
        List<ReasoningPath> paths = new ArrayList<>();
        for (int i = 0; i < 8; i++) paths.add(path("n" + i, null, 0.9 + 0.005 * i));
        for (int i = 0; i < 8; i++) paths.add(path("a" + i, i < 5 ? "A" : "B", 0.2 + 0.01 * i));
        Vote vote = PathVoter.vote(paths, EQUAL);
        assertNotNull(vote.fit(), vote.fitNote());
        assertTrue(vote.fitNote().contains("without pruning"), vote.fitNote());
        assertEquals("A", vote.answer());
        assertTrue(vote.pruned().stream().allMatch(pp -> pp.reason().equals(PrunedPath.NO_ANSWER)));
    }

    @Property(tries = 200)
    void confidences_sum_to_one_and_above_mean_paths_are_never_pruned(
            @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 0.01, max = 1) Double> ps,
            @ForAll @IntRange(min = 1, max = 4) int answers) {
        List<ReasoningPath> paths = new ArrayList<>();
        for (int i = 0; i < ps.size(); i++) paths.add(path("t" + (i % 7 == 3 ? 0 : i), "a" + (i * 31 % answers), ps.get(i)));
        Vote vote = PathVoter.vote(paths, EQUAL);
        assertEquals(1.0, vote.answers().stream().mapToDouble(AnswerClass::probability).sum(), 1e-9);
        double mean = 0; // summed left to right as the voter does (DoubleStream.average compensates: differs in the last bit)
        for (ReasoningPath p : paths) mean += p.probability();
        mean /= paths.size();
        for (PrunedPath pp : vote.pruned()) assertTrue(paths.get(pp.index()).probability() < mean, vote::toString);
        assertEquals(vote.answers().get(0).answer(), vote.answer());
        for (int i = 1; i < vote.answers().size(); i++) {
            assertTrue(vote.answers().get(i - 1).probability() >= vote.answers().get(i).probability(), vote::toString);
        }
    }
}
