package dev.shears.onnx.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.shears.onnx.graph.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    /** Rows of the tiny encoder's embedding table ({@link ActivationNormsTest#encoder}): token id -> x. */
    static final double[][] X = {{1, 0}, {0, 2}, {3, 4}};

    @Test
    void momentsCountRealTokensOnlyAndIncludeTheConstantFeature() throws Exception {
        ModelProto m = ActivationNormsTest.encoder();
        // two sequences of different length: the shorter one is padded within the batch, padding must not count
        Calibration.Gram g = Calibration.grams(m, Map.of("x", 2), List.of(new long[] {0, 1}, new long[] {2})).get("x");
        // tokens: x0 = [1,0], x1 = [0,2], x2 = [3,4]
        assertEquals(3, g.tokens(), 1e-9);
        assertEquals(1 + 0 + 9, g.at(0, 0), 1e-5);
        assertEquals(0 + 0 + 12, g.at(0, 1), 1e-5);
        assertEquals(0 + 4 + 16, g.at(1, 1), 1e-5);
        assertEquals(4, g.at(0, 2), 1e-5);
        assertEquals(6, g.at(2, 1), 1e-5);
    }

    /**
     * Cross moments with a tensor of a renamed copy of the model run beside it ({@link StructuredEdits#withReference}):
     * target y = x V with V the identity, so sum x^T y = sum x^T x.
     */
    @Test
    void crossMomentsWithAReferenceCopyOfTheModel() throws Exception {
        ModelProto m = ActivationNormsTest.encoder();
        OnnxGraphBuilder both = OnnxGraphBuilder.edit(StructuredEdits.withReference(m, m, "ref:"));
        String target = both.op("Identity", "ref:y");
        Calibration.Gram g = Calibration.grams(both.build(), Map.of("x", 2), Map.of("x", new Calibration.Target(target, 2)),
                List.of(new long[] {0, 1}, new long[] {2})).get("x");
        // y = relu(x W) V with V = I: rows [1,0] [2,2] [7,1]
        double[][] y = {{1, 0}, {2, 2}, {7, 1}};
        double[][] expected = new double[3][2];
        for (int t = 0; t < 3; t++) {
            for (int o = 0; o < 2; o++) {
                expected[0][o] += X[t][0] * y[t][o];
                expected[1][o] += X[t][1] * y[t][o];
                expected[2][o] += y[t][o];
            }
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(expected[i], g.cross()[i], 1e-5);
        }
    }
}
