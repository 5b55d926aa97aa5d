package dev.shears.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FusedLayerNormsProbeTest {

    private static final Map<String, float[]> SOURCE = Map.of(
            "hidden", new float[] {4.2f, -3.1f, 0.5f, 7.9f, -6.0f, 0.01f},
            "rank_logits", new float[] {0.0589f, 0.0192f});

    /** Int8 rounding noise, as the published and the Provence graphs show it once fused: accepted. */
    @Test
    void acceptsRoundingNoise() {
        Map<String, float[]> fused = Map.of(
                "hidden", new float[] {4.25f, -3.1f, 0.48f, 7.9f, -6.1f, 0.02f},
                "rank_logits", new float[] {0.0589f, 0.0728f});
        assertNull(FusedLayerNorms.probeMismatch(SOURCE, fused, 0.1));
    }

    /** A broadcast addend taken as the input: the batch of two comes back as one. */
    @Test
    void refusesAnOutputOfAnotherSize() {
        Map<String, float[]> fused = Map.of("hidden", new float[] {4.2f, -3.1f, 0.5f}, "rank_logits", new float[] {0.0589f, 0.0192f});
        assertEquals("output 'hidden' has 3 values instead of 6", FusedLayerNorms.probeMismatch(SOURCE, fused, 0.1));
    }

    /** A value off by more than a tenth of its output's scale (7.9 here), or a missing output. */
    @Test
    void refusesLargeDifferencesAndMissingOutputs() {
        Map<String, float[]> off = Map.of(
                "hidden", new float[] {4.2f, -3.1f, 1.4f, 7.9f, -6.0f, 0.01f},
                "rank_logits", new float[] {0.0589f, 0.0192f});
        String problem = FusedLayerNorms.probeMismatch(SOURCE, off, 0.1);
        assertTrue(problem != null && problem.startsWith("output 'hidden' differs by up to 0.9"), problem);
        assertTrue(FusedLayerNorms.probeMismatch(SOURCE, Map.of("hidden", SOURCE.get("hidden")), 0.1).startsWith("outputs [hidden]"));
    }
}
