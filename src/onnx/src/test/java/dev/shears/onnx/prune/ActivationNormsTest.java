package dev.shears.onnx.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivationNormsTest {

    /** input_ids → Gather(embedding [3, 2]) → MatMul W [2, 2] → Relu → MatMul V [2, 2] → y. */
    static ModelProto encoder() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("tiny-encoder");
        b.input("input_ids", OnnxGraphBuilder.INT64, "batch", "seq");
        b.input("attention_mask", OnnxGraphBuilder.INT64, "batch", "seq");
        String emb = b.floatInitializer("emb", new float[] {1, 0, 0, 2, 3, 4}, 3, 2);
        String x = b.node("Gather").inputs(emb, "input_ids").attr("axis", 0L).output("x");
        String h = b.op("Relu", b.node("MatMul").inputs(x, b.floatInitializer("w", new float[] {1, -1, 1, 1}, 2, 2))
                .output("xw"));
        b.node("MatMul").inputs(h, b.floatInitializer("v", new float[] {1, 0, 0, 1}, 2, 2)).output("y");
        b.output("y", OnnxGraphBuilder.FLOAT, "batch", "seq", 2);
        return b.build();
    }

    @Test
    void sumsSquaredInputsPerFeatureOverAllTokens() throws Exception {
        ModelProto m = encoder();
        List<LinearLayer> layers = LinearLayers.find(m.getGraph());
        assertEquals(2, layers.size());
        Map<String, float[]> norms = ActivationNorms.capture(m, layers, List.of(new long[] {0, 1}, new long[] {2}));
        // x rows: [1,0] [0,2] [3,4] → sqrt(1+0+9), sqrt(0+4+16)
        assertArrayEquals(new float[] {(float) Math.sqrt(10), (float) Math.sqrt(20)}, norms.get("x"), 1e-5f);
        // xw = x @ [[1,-1],[1,1]] = [1,-1] [2,2] [7,1] → relu [1,0] [2,2] [7,1]
        String h = layers.get(1).input();
        assertArrayEquals(new float[] {(float) Math.sqrt(54), (float) Math.sqrt(5)}, norms.get(h), 1e-5f);
    }
}
