package dev.shears.tools.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optimiser against Adam written out by hand, its clipping, and its refusal of a non-finite gradient. */
class AdamWTest {

    static {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void firstStepMovesEachWeightByTheLearningRateAgainstItsGradientSign() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> params = params(manager);
            AdamW adam = new AdamW(manager, params, 0f);
            // loss = sum(w * c): gradient c; bias-corrected first Adam step = lr * c / (|c| + eps)
            backward(manager, params, new float[] {2f, -0.5f, 0f}, new float[] {3f});
            double norm = adam.step(name -> 0.1, 0);
            assertEquals(Math.sqrt(4 + 0.25 + 9), norm, 1e-5);
            assertArrayEquals(new float[] {1f - 0.1f, 2f + 0.1f, 3f}, params.get("w").toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.5f - 0.1f}, params.get("b").toFloatArray(), 1e-5f);
        }
    }

    @Test
    void clippingScalesTheGradientsBeforeTheMoments() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> params = params(manager);
            AdamW adam = new AdamW(manager, params, 0f);
            backward(manager, params, new float[] {3f, 0f, 0f}, new float[] {4f});
            assertEquals(5, adam.step(name -> 0.1, 1), 1e-5);
            // m = (1 - beta1) * g / 5
            assertArrayEquals(new float[] {0.1f * 0.6f, 0f, 0f}, adam.first.get("w").toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.1f * 0.8f}, adam.first.get("b").toFloatArray(), 1e-6f);
        }
    }

    @Test
    void aNonFiniteGradientIsRefusedAndChangesNothing() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> params = params(manager);
            AdamW adam = new AdamW(manager, params, 0.01f);
            backward(manager, params, new float[] {1f, 1f, 1f}, new float[] {1f});
            adam.step(name -> 0.1, 1);
            float[] w = params.get("w").toFloatArray();
            float[] m = adam.first.get("w").toFloatArray();
            backward(manager, params, new float[] {1f, Float.POSITIVE_INFINITY, 1f}, new float[] {1f});
            AdamW.NonFiniteGradient e = assertThrows(AdamW.NonFiniteGradient.class, () -> adam.step(name -> 0.1, 1));
            assertEquals(List.of("w"), e.parameters);
            assertArrayEquals(w, params.get("w").toFloatArray());
            assertArrayEquals(m, adam.first.get("w").toFloatArray());
            assertEquals(2, adam.steps);
            // the refused gradient is gone: the next step sees only its own
            backward(manager, params, new float[] {0f, 0f, 0f}, new float[] {0f});
            adam.step(name -> 0.1, 1);
            for (float x : params.get("w").toFloatArray()) {
                assertTrue(Float.isFinite(x));
            }
            assertEquals(3, adam.steps);
        }
    }

    private static Map<String, NDArray> params(NDManager manager) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put("w", manager.create(new float[] {1f, 2f, 3f}, new Shape(3, 1)));
        params.put("b", manager.create(new float[] {0.5f}));
        return params;
    }

    /** Accumulates the gradient of sum(w * cw) + sum(b * cb). */
    private static void backward(NDManager manager, Map<String, NDArray> params, float[] cw, float[] cb) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector(); NDManager scratch = manager.newSubManager()) {
            NDArray loss = params.get("w").mul(scratch.create(cw, new Shape(3, 1))).sum()
                    .add(params.get("b").mul(scratch.create(cb)).sum());
            collector.backward(loss);
        }
    }
}
