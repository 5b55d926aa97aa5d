package dev.shears.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.text.DefaultSentenceSplitter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The pruning logic on its own, with a relevance model whose scores are known: a sentence's score is the share
 * of query words it contains. Runs without Quarkus or ONNX.
 */
class ContextPrunerTest {

    /** Scores a sentence by the share of the query's words that it contains; one token per word. */
    static final class WordOverlapModel implements RelevanceModel {
        @Override
        public String id() {
            return "word-overlap";
        }

        @Override
        public double defaultThreshold() {
            return 0.5;
        }

        @Override
        public int countTokens(String text) {
            return text.isBlank() ? 0 : text.strip().split("\\s+").length;
        }

        @Override
        public List<DocumentScores> score(String query, List<SplitDocument> documents, StageClock clock) {
            List<String> words = List.of(query.toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", "").split(" "));
            return documents.stream().map(doc -> {
                double[] scores = new double[doc.size()];
                int[] tokens = new int[doc.size()];
                for (int i = 0; i < doc.size(); i++) {
                    String s = doc.sentence(i).toLowerCase(Locale.ROOT);
                    scores[i] = words.stream().filter(s::contains).count() / (double) words.size();
                    tokens[i] = countTokens(doc.sentence(i));
                }
                return new DocumentScores(scores, tokens);
            }).toList();
        }
    }

    final ContextPruner pruner = new ContextPruner(new DefaultSentenceSplitter(), new WordOverlapModel());

    static final String PARIS = "Paris is the capital of France.  It has 2.1 million residents.\n\nThe Eiffel Tower is in Paris.";

    @Test
    void keeps_exact_substrings_in_order_with_original_whitespace() {
        PruningResult r = pruner.prune("capital France", List.of(Document.of(PARIS)), PruningOptions.defaults());
        PrunedDocument d = r.documents().get(0);
        assertEquals("Paris is the capital of France.", d.prunedText());
        assertEquals(3, d.sentences().size());
        assertEquals(List.of(true, false, false), d.sentences().stream().map(ScoredSentence::kept).toList());
        ScoredSentence first = d.sentences().get(0);
        assertEquals(PARIS.substring(first.start(), first.end()), first.text());
    }

    @Test
    void non_adjacent_kept_sentences_keep_the_whitespace_that_followed_them() {
        PruningResult r = pruner.prune("paris", List.of(Document.of(PARIS)), PruningOptions.defaults());
        assertEquals("Paris is the capital of France.  The Eiffel Tower is in Paris.", r.documents().get(0).prunedText());
    }

    @Test
    void counts_characters_and_tokens_before_and_after() {
        PrunedDocument d = pruner.prune("capital France", List.of(Document.of(PARIS)), PruningOptions.defaults()).documents().get(0);
        assertEquals(PARIS.length(), d.charsBefore());
        assertEquals("Paris is the capital of France.".length(), d.charsAfter());
        assertEquals(6 + 5 + 6, d.tokensBefore());
        assertEquals(6, d.tokensAfter());
        assertEquals(1.0 - 31.0 / PARIS.length(), d.compression(), 1e-12);
    }

    @Test
    void raising_the_threshold_never_keeps_more() {
        int previous = Integer.MAX_VALUE;
        for (double t = 0; t <= 1.0; t += 0.125) {
            PruningResult r = pruner.prune("paris capital residents", List.of(Document.of(PARIS)), PruningOptions.defaults().withThreshold(t));
            int kept = r.charsAfter();
            assertTrue(kept <= previous, "threshold " + t + " kept more than a lower one");
            previous = kept;
        }
    }

    @Test
    void top_n_keeps_sentences_only_in_the_best_documents_and_reports_ranks() {
        List<Document> docs = List.of(Document.of("Nothing here."), Document.of("Paris is the capital of France."),
                Document.of("Paris is nice."));
        PruningResult r = pruner.prune("paris capital", docs, new PruningOptions(0.4, 1, false, null, null));
        assertEquals(List.of("", "Paris is the capital of France.", ""), r.documents().stream().map(PrunedDocument::prunedText).toList());
        assertEquals(List.of(2, 0, 1), r.documents().stream().map(PrunedDocument::rank).toList());
    }

    @Test
    void a_token_budget_keeps_the_best_sentences_that_fit() {
        String text = "Paris capital one two three four. Paris capital. Paris.";
        PruningResult r = pruner.prune("paris capital", List.of(Document.of(text)), new PruningOptions(0.0, null, false, null, 3));
        // the best sentence (6 tokens) does not fit; the next best (2) and the third (1) do
        assertEquals("Paris capital. Paris.", r.documents().get(0).prunedText());
        assertEquals(3, r.tokensAfter());
    }

    @Test
    void a_target_ratio_caps_the_kept_share_of_tokens() {
        String text = "Paris capital one two three four. Paris capital. Paris.";
        PruningResult r = pruner.prune("paris capital", List.of(Document.of(text)), new PruningOptions(0.0, null, false, 0.5, null));
        assertTrue(r.tokensAfter() <= r.tokensBefore() * 0.5, r.tokensAfter() + " of " + r.tokensBefore());
        assertFalse(r.documents().get(0).prunedText().isEmpty());
    }

    @Test
    void the_title_rides_along_only_when_something_else_is_kept() {
        String text = "# Geography\n\nParis is the capital of France. Lyon is large.";
        PrunedDocument kept = pruner.prune("capital", List.of(Document.of(text)), new PruningOptions(0.5, null, true, null, null)).documents().get(0);
        assertEquals("# Geography\n\nParis is the capital of France.", kept.prunedText());
        PrunedDocument dropped = pruner.prune("tokyo", List.of(Document.of(text)), new PruningOptions(0.5, null, true, null, null)).documents().get(0);
        assertEquals("", dropped.prunedText());
    }

    @Test
    void same_input_same_output() {
        List<Document> docs = List.of(Document.of(PARIS), Document.of("Berlin is in Germany."));
        assertEquals(pruner.prune("paris", docs, PruningOptions.defaults()), pruner.prune("paris", docs, PruningOptions.defaults()));
    }

    @Test
    void empty_and_whitespace_documents_give_empty_results() {
        PruningResult r = pruner.prune("paris", List.of(Document.of(""), Document.of("  \n ")), PruningOptions.defaults());
        assertEquals(0, r.charsAfter());
        assertEquals(0.0, r.documents().get(0).compression());
    }

    @Test
    void options_are_checked_with_messages_that_name_the_limit() {
        var e = assertThrows(IllegalArgumentException.class, () -> new PruningOptions(1.5, null, false, null, null));
        assertTrue(e.getMessage().contains("[0, 1]"));
        assertThrows(IllegalArgumentException.class, () -> new PruningOptions(null, 0, false, null, null));
        assertThrows(IllegalArgumentException.class, () -> new PruningOptions(null, null, false, 0.5, 10));
    }

    @Test
    void junk_is_never_kept_whatever_its_score() {
        String junk = "Paris.\n\n" + ".".repeat(50) + "\n\nA. A. A.\n\n```\n" + "x = 1\n".repeat(50) + "```\n";
        PruningResult r = pruner.prune("paris", List.of(Document.of(junk)), new PruningOptions(0.0, null, false, null, null));
        assertEquals("Paris.", r.documents().get(0).prunedText(), "a threshold of 0 keeps every sentence but the junk");
    }

    @Test
    void a_kept_table_row_keeps_the_header_and_separator_rows() {
        String table = "Heights of towers.\n\n| Tower | Height |\n|---|---|\n| Eiffel | 330 m |\n| Tokyo | 333 m |\n";
        PruningResult r = pruner.prune("eiffel", List.of(Document.of(table)), PruningOptions.defaults());
        assertEquals("| Tower | Height |\n|---|---|\n| Eiffel | 330 m |", r.documents().get(0).prunedText());
    }

    @Test
    void a_table_after_a_blank_line_is_another_table() {
        String tables = "| City | Country |\n|---|---|\n| Paris | France |\n\n| Tower | Height |\n|---|---|\n| Eiffel | 330 m |\n";
        PruningResult r = pruner.prune("eiffel", List.of(Document.of(tables)), PruningOptions.defaults());
        assertEquals("| Tower | Height |\n|---|---|\n| Eiffel | 330 m |", r.documents().get(0).prunedText());
    }

    @Test
    void a_kept_list_item_keeps_the_sentence_that_leads_into_the_list() {
        String list = "Paris has many sights. The best known are:\n\n- the Louvre\n- the Eiffel Tower\n- Notre-Dame\n\nIt rains often.";
        PruningResult r = pruner.prune("eiffel", List.of(Document.of(list)), PruningOptions.defaults());
        assertEquals("The best known are:\n\n- the Eiffel Tower", r.documents().get(0).prunedText());
        PruningResult none = pruner.prune("rains", List.of(Document.of(list)), PruningOptions.defaults());
        assertEquals("It rains often.", none.documents().get(0).prunedText(), "no item kept, no lead-in");
    }
}
