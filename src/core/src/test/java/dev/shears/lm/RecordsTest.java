package dev.shears.lm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordsTest {

    @Test
    void scoredTextSkipsUndefinedLogProbs() {
        ScoredText s = new ScoredText(List.of(new TokenLogProb(1, "a", 0, 1, Double.NaN),
                new TokenLogProb(2, "b", 1, 2, -1.0), new TokenLogProb(3, "c", 2, 3, -2.0)));
        assertEquals(-3.0, s.sum());
        assertEquals(-1.5, s.mean());
        assertTrue(Double.isNaN(new ScoredText(List.of()).mean()));
    }

    @Test
    void samplingRequestRejectsOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class, () -> new SamplingRequest("p", 0, 1, 1, 5, null, null));
        assertThrows(IllegalArgumentException.class, () -> new SamplingRequest("p", 1, -1, 1, 5, null, null));
        assertThrows(IllegalArgumentException.class, () -> new SamplingRequest("p", 1, 1, 0, 5, null, null));
        assertThrows(IllegalArgumentException.class, () -> new SamplingRequest("p", 1, 1, 1, 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new SamplingRequest("p", 1, 1, 1, 5, List.of(""), null));
        assertEquals(List.of(), new SamplingRequest(null, 1, 0, 1, 1, null, null).stop());
    }
}
