package dev.shears.onnx.lm;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenSamplerTest {

    @Property(tries = 200)
    void sampledTokenIsInsideTheNucleus(@ForAll @Size(min = 2, max = 40) List<@FloatRange(min = -20, max = 20) Float> l,
                                        @ForAll @DoubleRange(min = 0.05, max = 1.0) double topP,
                                        @ForAll long seed) {
        float[] logits = new float[l.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = l.get(i);
        }
        int tok = TokenSampler.sample(logits, 0, logits.length, 1.0, topP, new SplittableRandom(seed));
        // mass strictly above the chosen token's probability must be < topP, else it would be outside the nucleus
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double z = 0;
        double above = 0;
        for (float v : logits) {
            z += Math.exp(v - max);
        }
        for (float v : logits) {
            if (v > logits[tok]) {
                above += Math.exp(v - max) / z;
            }
        }
        assertTrue(above < topP + 1e-9, "token " + tok + " outside nucleus: mass above " + above);
    }

    @Property(tries = 100)
    void logSoftmaxIsNormalised(@ForAll @Size(min = 1, max = 30) List<@FloatRange(min = -50, max = 50) Float> l) {
        float[] logits = new float[l.size() + 2];
        for (int i = 0; i < l.size(); i++) {
            logits[i + 2] = l.get(i);
        }
        double total = 0;
        for (int t = 0; t < l.size(); t++) {
            double lp = TokenSampler.logSoftmaxAt(logits, 2, l.size(), t);
            assertTrue(lp <= 1e-12);
            total += Math.exp(lp);
        }
        assertEquals(1.0, total, 1e-9);
    }

    @Property(tries = 50)
    void zeroTemperatureIsArgmax(@ForAll @Size(min = 1, max = 30) List<@FloatRange(min = -5, max = 5) Float> l) {
        float[] logits = new float[l.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = l.get(i);
        }
        int tok = TokenSampler.sample(logits, 0, logits.length, 0.0, 0.5, new SplittableRandom(1));
        float best = logits[0];
        for (float v : logits) {
            best = Math.max(best, v);
        }
        assertEquals(best, logits[tok]);
        assertEquals(Arrays.asList(tok), Arrays.asList(TokenSampler.greedy(logits, 0, logits.length)));
    }
}
