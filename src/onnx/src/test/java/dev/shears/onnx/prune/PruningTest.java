package dev.shears.onnx.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PruningTest {

    /** x [b, 4] → MatMul W1 [in 4, out 4] → Gemm W2 [out 8, in 4] (transB) → y; plus an activation-only MatMul. */
    static ModelProto graph() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("linear");
        b.input("x", OnnxGraphBuilder.FLOAT, "batch", 4);
        String w1 = b.floatInitializer("w1", new float[] {
                1, -2, 3, 4,
                -5, 6, 7, 8,
                9, 10, -11, 12,
                13, 14, 15, -16}, 4, 4);
        float[] w2v = new float[32];
        for (int k = 0; k < 32; k++) {
            w2v[k] = (k % 2 == 0 ? 1 : -1) * (0.01f * ((k * 7) % 32 + 1));
        }
        String w2 = b.floatInitializer("w2", w2v, 8, 4);
        String h = b.node("MatMul").name("fc1").inputs("x", w1).output("h");
        b.node("Gemm").name("fc2").inputs(h, w2).attr("transB", 1L).output("y");
        String t = b.node("Transpose").inputs(h).attr("perm", new long[] {1, 0}).output();
        b.node("MatMul").name("gram").inputs(h, t).output("g");
        b.output("y", OnnxGraphBuilder.FLOAT, "batch", 8);
        b.output("g", OnnxGraphBuilder.FLOAT, "batch", "batch");
        return b.build();
    }

    static float[] weight(ModelProto m, String name) {
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (t.getName().equals(name)) {
                return LinearLayers.floats(t);
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void findsLinearLayersWithTheirLayouts() {
        List<LinearLayer> layers = LinearLayers.find(graph().getGraph());
        assertEquals(List.of(new LinearLayer("fc1", "x", "w1", 4, 4, false),
                new LinearLayer("fc2", "h", "w2", 4, 8, true)), layers);
        LinearLayer fc1 = layers.get(0);
        float[] stored = weight(graph(), "w1");
        // row o = column o of the [in, out] matrix
        assertArrayEquals(new float[] {1, -5, 9, 13}, java.util.Arrays.copyOfRange(fc1.toRows(stored), 0, 4));
        assertArrayEquals(stored, fc1.fromRows(fc1.toRows(stored)));
    }

    @Test
    void magnitudePerLayerPrunesExactlyTheSmallest() {
        ModelPruner.Result r = ModelPruner.unstructured(PruneMethod.MAGNITUDE, 0.5).prune(graph(), null);
        assertEquals(List.of(8, 16), r.layers().stream().map(ModelPruner.LayerStats::pruned).toList());
        assertEquals(List.of(8, 16), r.layers().stream().map(ModelPruner.LayerStats::zeros).toList());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 9, 10, -11, 12, 13, 14, 15, -16},
                weight(r.model(), "w1"));
        assertEquals(0.5, (double) r.zeros() / r.total());
        // 0.3 of 16 = 4.8 → 5 pruned
        assertEquals(5, ModelPruner.unstructured(PruneMethod.MAGNITUDE, 0.3).prune(graph(), null).layers().get(0).zeros());
    }

    @Test
    void twoFourKeepsTheTwoLargestOfEveryGroupAlongTheInputs() {
        ModelPruner.Result r = ModelPruner.nm(PruneMethod.MAGNITUDE, 2, 4).prune(graph(), null);
        // w1 rows (per output): [1,-5,9,13] [-2,6,10,14] [3,7,-11,15] [4,8,12,-16] → keep the two largest |w|
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 9, 10, -11, 12, 13, 14, 15, -16},
                weight(r.model(), "w1"));
        float[] w2 = weight(r.model(), "w2"); // stored [out, in] = rows
        assertTrue(Pruning.followsNm(w2, 4, 2, 4));
        float[] orig = weight(graph(), "w2");
        for (int g = 0; g < 8; g++) {
            float[] group = java.util.Arrays.copyOfRange(orig, 4 * g, 4 * g + 4);
            float[] abs = Pruning.magnitude(group);
            float[] sorted = abs.clone();
            java.util.Arrays.sort(sorted);
            for (int j = 0; j < 4; j++) {
                assertEquals(abs[j] >= sorted[2] ? group[j] : 0f, w2[4 * g + j], "group " + g + " pos " + j);
            }
        }
        assertEquals(0.5, (double) r.zeros() / r.total());
        assertThrows(IllegalArgumentException.class, () -> Pruning.nm(new float[6], 6, 2, 4));
    }

    @Test
    void globalMagnitudeRespectsThePerLayerFloor() {
        // w2's weights are all smaller than w1's: plain global 0.5 would empty w2 (24 of 48 = 32 of w2 + ...)
        ModelPruner.Result free = new ModelPruner(PruneMethod.MAGNITUDE_GLOBAL, 0.5, 0, 0, 0).prune(graph(), null);
        assertEquals(List.of(0, 24), free.layers().stream().map(ModelPruner.LayerStats::pruned).toList());
        ModelPruner.Result floored = new ModelPruner(PruneMethod.MAGNITUDE_GLOBAL, 0.5, 0.5, 0, 0).prune(graph(), null);
        assertEquals(List.of(8, 16), floored.layers().stream().map(ModelPruner.LayerStats::pruned).toList());
        assertEquals(24, floored.pruned());
        assertThrows(IllegalArgumentException.class,
                () -> new ModelPruner(PruneMethod.MAGNITUDE_GLOBAL, 0.6, 0.5, 0, 0).prune(graph(), null));
    }

    @Test
    void wandaWeighsWeightsByInputNormsAndDiffersFromMagnitude() {
        float[] row = {1, 2, 3, 4, 0.5f, -4, 3, 2};
        // magnitude per row at 50%: prunes 1, 2 in row 0 and 0.5, 2 in row 1
        boolean[] mag = Pruning.lowestPerRow(Pruning.magnitude(row), 4, 0.5);
        assertArrayEquals(new boolean[] {true, true, false, false, true, false, false, true}, mag);
        // input 0 is 10x louder: scores row 0 = [10, 2, 3, 4], row 1 = [5, 4, 3, 2]
        float[] norms = {10, 1, 1, 1};
        assertArrayEquals(new float[] {10, 2, 3, 4, 5, 4, 3, 2}, Pruning.wanda(row, 4, norms));
        boolean[] wanda = Pruning.lowestPerRow(Pruning.wanda(row, 4, norms), 4, 0.5);
        assertArrayEquals(new boolean[] {false, true, true, false, false, false, true, true}, wanda);

        // through the graph: fc1 input x has a loud feature 3 (row index = input), fc2's input h is flat
        Map<String, float[]> n = Map.of("x", new float[] {1, 1, 1, 100}, "h", new float[] {1, 1, 1, 1});
        ModelPruner.Result r = ModelPruner.unstructured(PruneMethod.WANDA, 0.5).prune(graph(), n);
        // rows per output: [1,-5,9,13·100] [-2,6,10,14·100] [3,7,-11,15·100] [4,8,12,-16·100]
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 9, 10, -11, 12, 13, 14, 15, -16},
                weight(r.model(), "w1"));
        Map<String, float[]> n2 = Map.of("x", new float[] {100, 1, 1, 1}, "h", new float[] {1, 1, 1, 1});
        float[] w1 = weight(ModelPruner.unstructured(PruneMethod.WANDA, 0.5).prune(graph(), n2).model(), "w1");
        // input 0 now dominates: each output keeps input 0 and its largest other input (input 3)
        assertArrayEquals(new float[] {1, -2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 13, 14, 15, -16}, w1);
        assertNotEquals(List.of(weight(r.model(), "w1")), List.of(w1));
        assertEquals(2 * 8, ModelPruner.unstructured(PruneMethod.WANDA, 0.5).prune(graph(), n).layers().get(1).zeros());
        assertThrows(IllegalArgumentException.class,
                () -> ModelPruner.unstructured(PruneMethod.WANDA, 0.5).prune(graph(), Map.of()));
    }

    @Test
    void sortKeysOrderNegativeAndTiedScores() {
        // -3 lowest, then the tie 1 vs 1 goes to the earlier position
        assertArrayEquals(new boolean[] {true, true, false, false}, Pruning.lowest(new float[] {1, -3, 2, 1}, 0.5));
        assertFalse(Pruning.followsNm(new float[] {1, 1, 1, 0}, 4, 2, 4));
    }
}
