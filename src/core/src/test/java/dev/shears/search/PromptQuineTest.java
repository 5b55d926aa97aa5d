package dev.shears.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.lm.TokenLogProb;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PromptQuineTest {

    /** 20 words, three of them NOISE, then the tabu placeholder. */
    static final String PROMPT = "alpha beta gamma NOISE delta epsilon zeta eta theta NOISE iota kappa lambda mu "
            + "NOISE nu xi omicron pi rho {input}";

    /** Whitespace tokens, each with its trailing space. */
    static PromptTokens words(String text) {
        List<TokenLogProb> t = new ArrayList<>();
        int i = 0;
        int id = 0;
        while (i < text.length()) {
            int j = text.indexOf(' ', i);
            j = j < 0 ? text.length() : j + 1;
            t.add(new TokenLogProb(id++, text.substring(i, j), i, j, Double.NaN));
            i = j;
        }
        return PromptTokens.of(text, t);
    }

    /**
     * Planted optimum: +10 per NOISE deleted, -20 per key word (alpha, theta, pi) deleted, -100 if the placeholder
     * is gone; other words are neutral. The best value, 30, is reached only by deleting all three NOISE tokens and
     * none of the key words.
     */
    static double planted(String p) {
        List<String> words = List.of(p.trim().split(" +"));
        long noise = words.stream().filter("NOISE"::equals).count();
        long keys = words.stream().filter(w -> w.equals("alpha") || w.equals("theta") || w.equals("pi")).count();
        return 10 * (3 - noise) - 20 * (3 - keys) - (p.contains("{input}") ? 0 : 100);
    }

    static final PromptFitness PLANTED = ps -> ps.stream().map(PromptQuineTest::planted).toList();

    static QuineOptions options(long seed) {
        return QuineOptions.defaults(seed).withBudget(600, 0, 0).withMinMeanLength(0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2025})
    void findsThePlantedOptimumWithinBudget(long seed) {
        QuineResult r = new PromptQuine(words(PROMPT), PLANTED, PLANTED, options(seed)).run();
        assertEquals(30.0, r.bestHeldOut(), "seed " + seed + ": " + r.bestPrompt());
        assertTrue(!r.bestPrompt().contains("NOISE") && r.bestPrompt().contains("alpha ")
                && r.bestPrompt().contains("theta ") && r.bestPrompt().contains("pi ")
                && r.bestPrompt().endsWith("{input}"), r.bestPrompt());
        assertEquals(0.0, r.originalFitness());
        assertTrue(r.evaluations() <= 600);
    }

    @Test
    void noPromptIsScoredTwiceAndTheEvaluationBudgetHolds() {
        Set<String> seen = new HashSet<>();
        List<Integer> calls = new ArrayList<>();
        PromptFitness counting = ps -> {
            calls.add(ps.size());
            for (String p : ps) {
                assertTrue(seen.add(p), "scored twice: " + p);
            }
            return PLANTED.evaluate(ps);
        };
        QuineResult r = new PromptQuine(words(PROMPT), counting, null, options(7).withBudget(200, 0, 0)).run();
        assertEquals(200, r.evaluations());
        assertEquals(200, seen.size());
        assertEquals(QuineResult.StopReason.EVALUATIONS, r.stopReason());
    }

    @Test
    void placeholdersAreNeverDeleted() {
        QuineResult r = new PromptQuine(words(PROMPT), PLANTED, null, options(5).withBudget(3000, 0, 0)).run();
        for (QuineResult.Elite e : r.elites()) {
            assertTrue(e.prompt().contains("{input}"), e.prompt());
        }
    }

    @Test
    void generationBudgetStopsTheSearch() {
        QuineResult r = new PromptQuine(words(PROMPT), PLANTED, null, options(5).withBudget(10_000, 3, 0)).run();
        assertEquals(3, r.generations());
        assertEquals(QuineResult.StopReason.GENERATIONS, r.stopReason());
    }

    @Test
    void sameSeedSameResult() {
        QuineResult a = new PromptQuine(words(PROMPT), PLANTED, PLANTED, options(9).withBudget(400, 0, 0)).run();
        QuineResult b = new PromptQuine(words(PROMPT), PLANTED, PLANTED, options(9).withBudget(400, 0, 0)).run();
        assertEquals(a, b);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 6})
    void resumingFromACheckpointEqualsAnUninterruptedRun(int stopAfter) {
        QuineOptions o = options(11).withBudget(400, 0, 0);
        QuineResult uninterrupted = new PromptQuine(words(PROMPT), PLANTED, PLANTED, o).run();

        AtomicReference<String> stored = new AtomicReference<>();
        PromptQuine first = new PromptQuine(words(PROMPT), PLANTED, PLANTED, o);
        assertThrows(CancellationException.class, () -> first.run(null, (c, m, f) -> stored.set(c.toText()),
                () -> stored.get() != null && QuineCheckpoint.parse(stored.get()).generation() >= stopAfter));
        QuineCheckpoint cp = QuineCheckpoint.parse(stored.get());
        assertEquals(stopAfter, cp.generation());

        QuineResult resumed = new PromptQuine(words(PROMPT), PLANTED, PLANTED, o).run(cp, QuineProgress.NONE, () -> false);
        assertEquals(uninterrupted, resumed);
    }

    @Test
    void checkpointTextRoundTrips() {
        AtomicReference<QuineCheckpoint> last = new AtomicReference<>();
        new PromptQuine(words(PROMPT), PLANTED, null, options(3).withBudget(120, 0, 0)).run(null, (c, m, f) -> last.set(c), () -> false);
        QuineCheckpoint c = last.get();
        assertEquals(c, QuineCheckpoint.parse(c.toText()));
    }

    @Test
    void tabuMarksPlaceholderTokens() {
        PromptTokens t = words("a {input} b");
        assertEquals(List.of(false, true, false), List.of(t.tabu()[0], t.tabu()[1], t.tabu()[2]));
    }
}
