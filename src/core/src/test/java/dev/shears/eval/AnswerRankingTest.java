package dev.shears.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AnswerRankingTest {

    @Test
    void averagePrecisionAndReciprocalRankPerQuestionThenMean() {
        AnswerRanking r = new AnswerRanking()
                // answers ranked 1st and 3rd: AP = (1/1 + 2/3) / 2, RR = 1
                .add(new double[] {0.9, 0.5, 0.7, 0.1}, new boolean[] {true, false, true, false})
                // the only answer ranked 2nd: AP = RR = 1/2
                .add(new double[] {0.2, 0.8, 0.1}, new boolean[] {true, false, false})
                // no answer: not counted
                .add(new double[] {0.3, 0.4}, new boolean[] {false, false});
        AnswerRanking.Metrics m = r.metrics();
        assertEquals(2, m.questions());
        assertEquals(((1 + 2.0 / 3) / 2 + 0.5) / 2, m.map(), 1e-12);
        assertEquals((1 + 0.5) / 2, m.mrr(), 1e-12);
    }

    @Test
    void tiesKeepPassageOrder() {
        AnswerRanking.Metrics m = new AnswerRanking().add(new double[] {0, 0, 0}, new boolean[] {false, true, false}).metrics();
        assertEquals(0.5, m.map(), 1e-12);
    }
}
