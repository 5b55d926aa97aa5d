package dev.shears.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddingQuantizationTest {

    static final int ROWS = 2048;
    static final int DIM = 512;

    @Test
    void largeTablesAreStoredAsInt8RowsWithinHalfAStepOfTheirFloatValues() throws Exception {
        float[] table = new float[ROWS * DIM];
        for (int k = 0; k < table.length; k++) {
            table[k] = (float) Math.sin(k * 0.37) * (1 + (k / DIM) % 5);
        }
        OnnxGraphBuilder b = new OnnxGraphBuilder("lookup", 11);
        b.input("ids", OnnxGraphBuilder.INT64, "batch", "length");
        b.node("Gather").name("words").inputs(b.floatInitializer("table", table, ROWS, DIM), "ids").output("y");
        b.node("Gather").name("small").inputs(b.floatInitializer("small_table", new float[2 * ROWS], ROWS, 2), "ids").output("z");
        b.output("y", OnnxGraphBuilder.FLOAT, "batch", "length", DIM);
        b.output("z", OnnxGraphBuilder.FLOAT, "batch", "length", 2);
        ModelProto q = EmbeddingQuantization.quantize(b.build());

        assertTrue(q.getGraph().getInitializerList().stream().noneMatch(t -> t.getName().equals("table")));
        assertEquals(OnnxGraphBuilder.INT8, q.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("table_int8"))
                .mapToInt(TensorProto::getDataType).findFirst().orElseThrow());
        assertTrue(q.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().equals("small_table")), "small tables stay float");
        long[][] ids = {{0, 7, 2047}, {1, 1, 1}};
        try (OrtSession s = OnnxSessions.open(q.toByteArray(), RuntimeOptions.cpu(1), "test");
                OnnxTensor in = OnnxTensor.createTensor(OnnxSessions.environment(), ids);
                OrtSession.Result r = s.run(Map.of("ids", in), java.util.Set.of("y"))) {
            float[][][] y = (float[][][]) r.get("y").get().getValue();
            for (int i = 0; i < ids.length; i++) {
                for (int j = 0; j < ids[i].length; j++) {
                    int row = (int) ids[i][j];
                    float max = 0;
                    for (int d = 0; d < DIM; d++) {
                        max = Math.max(max, Math.abs(table[row * DIM + d]));
                    }
                    for (int d = 0; d < DIM; d++) {
                        assertEquals(table[row * DIM + d], y[i][j][d], max / 127 / 2 + 1e-6, "row " + row + " dim " + d);
                    }
                }
            }
        }
    }
}
