package dev.shears.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.text.DefaultSentenceSplitter;
import dev.shears.pruning.text.Junk;
import dev.shears.pruning.text.SpanKind;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.StringLength;

/** Invariants of pruning for arbitrary text and thresholds. */
class ContextPrunerPropertiesTest {

    final ContextPruner pruner = new ContextPruner(new DefaultSentenceSplitter(), new ContextPrunerTest.WordOverlapModel());

    @Property(tries = 300)
    void pruned_text_is_the_kept_sentences_in_order(@ForAll @StringLength(max = 400) String text,
            @ForAll @DoubleRange(min = 0, max = 1) double threshold) {
        PrunedDocument d = pruner.prune("the a of", List.of(Document.of(text)), PruningOptions.defaults().withThreshold(threshold))
                .documents().get(0);
        StringBuilder expected = new StringBuilder();
        int lastEnd = -1;
        for (ScoredSentence s : d.sentences()) {
            assertEquals(text.substring(s.start(), s.end()), s.text());
            assertTrue(s.start() > lastEnd - 1, "sentences overlap");
            lastEnd = s.end();
            boolean junk = Junk.isJunk(s.text().strip(), s.kind());
            if (s.score() >= threshold && !junk) {
                assertTrue(s.kept(), "a sentence over the threshold is kept unless it is junk");
            } else if (s.kept()) {
                assertTrue(s.kind() == SpanKind.TABLE_ROW || s.text().strip().endsWith(":"),
                        "only structure (table header rows, list lead-ins) rides along below the threshold: " + s);
            }
        }
        for (int i = 0; i < d.sentences().size(); i++) {
            if (d.sentences().get(i).kept()) {
                int end = i + 1 < d.sentences().size() ? d.sentences().get(i + 1).start() : text.length();
                expected.append(text, d.sentences().get(i).start(), end);
            }
        }
        assertEquals(expected.toString().stripTrailing(), d.prunedText().stripTrailing());
        assertTrue(d.compression() >= 0 && d.compression() <= 1);
        assertTrue(d.tokensAfter() <= d.tokensBefore());
    }

    @Property(tries = 200)
    void pruning_is_idempotent(@ForAll @StringLength(max = 300) String text) {
        String once = pruner.prune("the a of", List.of(Document.of(text)), PruningOptions.defaults()).documents().get(0).prunedText();
        String twice = pruner.prune("the a of", List.of(Document.of(once)), PruningOptions.defaults()).documents().get(0).prunedText();
        assertEquals(once.strip(), twice.strip());
    }
}
