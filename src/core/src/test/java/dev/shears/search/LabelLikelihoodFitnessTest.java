package dev.shears.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.lm.Completion;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.lm.TokenLogProb;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelLikelihoodFitnessTest {

    /** Likes " great" after "good" inputs unless the prompt says "confuse"; records every request. */
    static final class FakeLm implements LanguageModel {
        final List<ScoringRequest> seen = new ArrayList<>();

        @Override
        public List<ScoredText> score(List<ScoringRequest> batch) {
            seen.addAll(batch);
            return batch.stream().map(r -> {
                boolean good = r.prompt().contains("good");
                boolean confused = r.prompt().contains("confuse");
                double lp = confused ? -1 : (good == r.continuation().equals(" great") ? -0.1 : -3);
                return new ScoredText(List.of(new TokenLogProb(0, r.continuation(), 0, r.continuation().length(), lp)));
            }).toList();
        }

        @Override
        public List<Completion> sample(SamplingRequest r) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int contextLength() {
            return 1024;
        }

        @Override
        public String id() {
            return "fake";
        }

        @Override
        public void close() {}
    }

    @Test
    void meanLogProbOfTheCorrectLabelNormalisedOverLabelWords() {
        FakeLm lm = new FakeLm();
        LabelLikelihoodFitness f = new LabelLikelihoodFitness(lm, List.of(" terrible", " great"),
                List.of(new LabeledExample("good film", 1), new LabeledExample("bad film", 0)), 3);
        List<Double> v = f.evaluate(List.of("Review: {input} Sentiment:", "confuse {input}"));
        double expected = -0.1 - Math.log(Math.exp(-0.1) + Math.exp(-3));
        assertEquals(expected, v.get(0), 1e-12);
        assertEquals(Math.log(0.5), v.get(1), 1e-12);
        assertEquals(8, lm.seen.size());
        assertEquals(new ScoringRequest("Review: good film Sentiment:", " terrible"), lm.seen.get(0));
        assertTrue(v.get(0) > v.get(1));
    }

    @Test
    void inputIsAppendedWithoutAPlaceholder() {
        assertEquals("Classify.\nx", LabelLikelihoodFitness.fill("Classify.", "x"));
    }
}
