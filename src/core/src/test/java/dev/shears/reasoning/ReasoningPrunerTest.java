package dev.shears.reasoning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.error.ShearsException;
import dev.shears.lm.ClientLogProbs;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.TokenLogProb;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hand-computed expectations with a scorer whose log-probs are known (see {@link WordScorer}). */
class ReasoningPrunerTest {

    static final String CHAIN = "Let x be 3.\n\nWait, maybe x is 4.\n\nHmm, no.\n\nSo the answer is 3.";
    static final WordScorer TABLE = WordScorer.table(Map.of("Let", -2.0, "Wait,", -0.5, "Hmm,", -0.1, "So", -3.0));

    static List<Boolean> kept(PrunedReasoning r) {
        return r.steps().stream().map(ScoredStep::kept).toList();
    }

    @Test
    void least_surprising_steps_go_first_until_the_budget_is_met() {
        PrunedReasoning r = new ReasoningPruner(TABLE).prune(ReasoningInput.of("Q?", CHAIN), ReasoningOptions.defaults());
        // tokens: 4 + 5 + 2 + 5 = 16 (a blank line rides with the next word); budget floor(0.8 x 16) = 12
        assertEquals(List.of(4, 5, 2, 5), r.steps().stream().map(ScoredStep::tokens).toList());
        assertEquals(16, r.tokensBefore());
        assertEquals(12, r.budget());
        assertEquals(List.of(2.0, 0.5, 0.1, 3.0), r.steps().stream().map(ScoredStep::surprisal).toList());
        assertEquals(List.of("Let", "\n\nWait,", "\n\nHmm,", "\n\nSo"), r.steps().stream().map(ScoredStep::firstToken).toList());
        // remove Hmm (0.1): 14 > 12; remove Wait (0.5): 9 <= 12
        assertEquals(List.of(true, false, false, true), kept(r));
        assertEquals("Let x be 3.\n\nSo the answer is 3.", r.prunedReasoning());
        assertEquals(9, r.tokensAfter());
        assertEquals("word-scorer", r.scorer());
        assertEquals("surprisal", r.steps().get(1).removedBy());
        assertTrue(r.steps().get(3).isProtected(), "the last step is the answer when none is given");
    }

    @Test
    void a_looser_budget_stops_earlier_and_a_budget_already_met_removes_nothing() {
        ReasoningPruner pruner = new ReasoningPruner(TABLE);
        assertEquals(List.of(true, true, false, true), kept(pruner.prune(ReasoningInput.of("Q?", CHAIN), ReasoningOptions.keep(0.9))));
        PrunedReasoning all = pruner.prune(ReasoningInput.of("Q?", CHAIN), new ReasoningOptions(null, 16, null, false));
        assertEquals(CHAIN, all.prunedReasoning());
    }

    @Test
    void the_answer_field_and_protected_steps_are_never_removed() {
        ReasoningPruner pruner = new ReasoningPruner(TABLE);
        ReasoningInput in = ReasoningInput.of("Q?", CHAIN).withAnswer("3").withProtectedSteps(Set.of(2));
        PrunedReasoning r = pruner.prune(in, new ReasoningOptions(null, 0, null, false));
        assertEquals(List.of(false, false, true, false), kept(r), "with an answer field the last step may go; step 2 may not");
    }

    @Test
    void mean_token_statistic_ranks_steps_by_the_mean_surprisal_of_their_tokens() {
        // "no." is very surprising, so Hmm's step is no longer the cheapest to drop; other words -1
        WordScorer scorer = WordScorer.table(Map.of("Let", -2.0, "Wait,", -0.5, "Hmm,", -0.1, "no.", -5.0, "So", -3.0));
        ReasoningOptions mean = ReasoningOptions.defaults().withStatistic(ReasoningOptions.StepStatistic.MEAN_TOKEN);
        PrunedReasoning r = new ReasoningPruner(scorer).prune(ReasoningInput.of("Q?", CHAIN), mean);
        // means: (2+1+1+1)/4, (0.5+4)/5, (0.1+5)/2, (3+4)/5; budget 12 of 16: removing Wait's step (0.9) leaves 11
        assertEquals(List.of(1.25, 0.9, 2.55, 1.4), r.steps().stream().map(ScoredStep::surprisal).toList());
        assertEquals(List.of(true, false, true, true), kept(r));
        assertEquals("\n\nHmm,", r.steps().get(2).firstToken(), "the first token is still reported");
        assertEquals(List.of(true, false, false, true), kept(new ReasoningPruner(scorer).prune(ReasoningInput.of("Q?", CHAIN),
                ReasoningOptions.defaults())), "first-token surprisal drops Hmm (0.1) and Wait (0.5)");
        assertEquals(ReasoningOptions.StepStatistic.FIRST_TOKEN, ReasoningOptions.defaults().statistic());
        assertEquals(ReasoningOptions.StepStatistic.MEAN_TOKEN, mean.withMode(ReasoningOptions.Mode.ITERATIVE).statistic());
    }

    @Test
    void iterative_mode_may_remove_every_step_when_the_answer_is_given_apart() {
        ReasoningInput in = ReasoningInput.of("Q?", "Let x be 3.").withAnswer("3");
        PrunedReasoning r = new ReasoningPruner(TABLE).prune(in, ReasoningOptions.keep(0.5).withMode(ReasoningOptions.Mode.ITERATIVE));
        assertEquals(List.of(false), kept(r));
        assertEquals("", r.prunedReasoning());
        assertEquals(List.of("Let x be 3."), TABLE.scoredTexts.subList(TABLE.scoredTexts.size() - 1, TABLE.scoredTexts.size()),
                "the empty chain is not scored");
    }

    @Test
    void iterative_mode_rescores_on_the_kept_chain() {
        // "So" is surprising only after "Wait": once Wait is gone, So becomes the least surprising step
        WordScorer scorer = new WordScorer((word, before) -> switch (word) {
            case "Let" -> -2.0;
            case "Wait," -> -0.5;
            case "So" -> before.contains("Wait") ? -3.0 : -0.05;
            default -> -1.0;
        }, null);
        String chain = "Let x be 3.\n\nWait, maybe x is 4.\n\nSo x is 3.\n\nAnswer: 3.";
        ReasoningPruner pruner = new ReasoningPruner(scorer);
        ReasoningOptions budget = new ReasoningOptions(null, 6, null, false);
        assertEquals(List.of(false, false, true, true), kept(pruner.prune(ReasoningInput.of("Q?", chain), budget)));
        PrunedReasoning iterative = pruner.prune(ReasoningInput.of("Q?", chain), budget.withMode(ReasoningOptions.Mode.ITERATIVE));
        assertEquals(List.of(true, false, false, true), kept(iterative));
        assertEquals(0.05, iterative.steps().get(2).surprisal(), 1e-12, "the surprisal it was removed with");
    }

    @Test
    void steps_given_as_an_array_are_joined_with_blank_lines() {
        ReasoningInput in = ReasoningInput.ofSteps("Q?", List.of("Let x be 3.", "Wait, maybe x is 4.", "Hmm, no.", "So the answer is 3."));
        assertEquals(CHAIN, in.reasoning());
        assertEquals("Let x be 3.\n\nSo the answer is 3.", new ReasoningPruner(TABLE).prune(in, ReasoningOptions.defaults()).prunedReasoning());
    }

    @Test
    void client_log_probs_split_inside_multibyte_characters_line_up_with_the_text() {
        String text = "Le café coûte 3€.\n\nPeut-être 4€.\n\nDonc 3€.";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] cuts = cutPoints(utf8);
        int peut = text.substring(0, text.indexOf("Peut")).getBytes(StandardCharsets.UTF_8).length;
        List<ClientLogProbs.Entry> entries = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            byte[] token = Arrays.copyOfRange(utf8, cuts[i], cuts[i + 1]);
            String shown = new String(token, StandardCharsets.UTF_8); // partial characters show as U+FFFD
            double lp = cuts[i + 1] > peut && cuts[i] <= peut ? -0.01 : -2.0; // the token holding step 1's first byte
            entries.add(new ClientLogProbs.Entry(shown, lp, null, token));
        }
        List<TokenLogProb> aligned = ClientLogProbs.alignTo(text, entries);
        for (TokenLogProb t : aligned) {
            assertTrue(t.start() <= t.end() && t.end() <= text.length());
        }
        PrunedReasoning r = new ReasoningPruner(null).prune(ReasoningInput.of("Prix ?", text).withClientLogProbs(aligned),
                ReasoningOptions.keep(0.7));
        assertEquals("client", r.scorer());
        assertEquals("Le café coûte 3€.\n\nDonc 3€.", r.prunedReasoning());
        var e = assertThrows(LanguageModelException.class, () -> ClientLogProbs.alignTo(text.replace("coûte", "coute"), entries));
        assertTrue(e.getMessage().contains("diverge at character 10"), e.getMessage());
    }

    /** Byte cuts every 3 bytes, which falls inside é, û and € more than once. */
    static int[] cutPoints(byte[] utf8) {
        List<Integer> cuts = new ArrayList<>();
        for (int i = 0; i < utf8.length; i += 3) {
            cuts.add(i);
        }
        cuts.add(utf8.length);
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void clear_errors_for_bad_input() {
        ReasoningPruner pruner = new ReasoningPruner(TABLE);
        assertTrue(assertThrows(ShearsException.class, () -> pruner.prune(ReasoningInput.of(" ", CHAIN), ReasoningOptions.defaults()))
                .getMessage().contains("'question'"));
        assertTrue(assertThrows(ShearsException.class, () -> pruner.prune(ReasoningInput.of("Q", "\n\n"), ReasoningOptions.defaults()))
                .getMessage().contains("no steps"));
        assertTrue(assertThrows(ShearsException.class, () -> pruner.prune(ReasoningInput.of("Q", CHAIN).withProtectedSteps(Set.of(9)),
                ReasoningOptions.defaults())).getMessage().contains("protected step 9"));
        List<TokenLogProb> tokens = List.of(new TokenLogProb(-1, CHAIN, 0, CHAIN.length(), -1));
        assertTrue(assertThrows(ShearsException.class, () -> pruner.prune(ReasoningInput.of("Q", CHAIN).withClientLogProbs(tokens),
                ReasoningOptions.defaults().withMode(ReasoningOptions.Mode.ITERATIVE))).getMessage().contains("iterative"));
        assertThrows(IllegalArgumentException.class, () -> new ReasoningOptions(0.5, 10, null, false));
        assertThrows(IllegalArgumentException.class, () -> new ReasoningOptions(1.5, null, null, false));
    }

    @Test
    void the_coarse_stage_keeps_what_the_anchor_needs_and_its_result_is_what_the_fine_stage_prunes() {
        String chain = "Natalia sold 48/2 = 24 clips in May.\nMaybe unicorns bought some clips too, let me think about unicorns.\n"
                + "Natalia sold 48+24 = 72 clips altogether.\n#### 72";
        ReasoningInput in = ReasoningInput.of("How many clips?", chain).withAnchor("In May she sold 48/2 = 24 clips. Altogether 48+24 = 72 clips.");
        PrunedReasoning r = new ReasoningPruner(TABLE).prune(in, ReasoningOptions.keep(1.0));
        assertEquals("accepted", r.coarse().outcome());
        assertEquals("anchor-overlap", r.coarse().method());
        assertEquals(List.of(true, false, true, true), kept(r));
        assertEquals("coarse", r.steps().get(1).removedBy());
        assertTrue(TABLE.scoredTexts.contains("Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether.\n#### 72"),
                "the coarse result is scored again for the fine stage");
    }

    @Test
    void a_model_extract_is_accepted_only_as_an_order_preserving_fuzzy_subsequence() {
        String chain = "Natalia sold 48/2 = 24 clips in May.\nMaybe unicorns bought some.\nNatalia sold 48+24 = 72 clips altogether.\n#### 72";
        ReasoningInput in = ReasoningInput.of("How many clips?", chain).withAnchor("24 in May, 72 in all.");
        WordScorer extracting = new WordScorer((w, b) -> -1.0, "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips.\n#### 72");
        PrunedReasoning accepted = new ReasoningPruner(extracting).prune(in, ReasoningOptions.keep(1.0));
        assertEquals("model", accepted.coarse().method());
        assertEquals(List.of(true, false, true, true), kept(accepted));
        WordScorer reordering = new WordScorer((w, b) -> -1.0, "Natalia sold 48+24 = 72 clips altogether.\nIn May: 24.");
        PrunedReasoning rejected = new ReasoningPruner(reordering).prune(in, ReasoningOptions.keep(1.0));
        assertEquals("rejected", rejected.coarse().outcome());
        assertEquals(chain, rejected.prunedReasoning(), "a rejected extract leaves the chain to the fine stage unchanged");
        assertNull(rejected.steps().get(1).removedBy());
    }

    @Test
    void gestalt_ratio_matches_pythons_sequence_matcher() {
        assertEquals(0.75, Gestalt.ratio("abcd", "bcde"), 1e-12);
        assertEquals(0.6153846153846154, Gestalt.ratio("kitten", "sitting"), 1e-12);
        assertEquals(0.8923076923076924, Gestalt.ratio("Natalia sold 48/2 = 24 clips in May.", "Natalia sold 24 clips in May."), 1e-12);
        assertEquals(0.32, Gestalt.ratio("The tower is tall.", "A completely different sentence."), 1e-12);
    }
}
