package dev.shears.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.TextTokenizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DJL encoder with the original fp32 weights computes what ONNX Runtime computes on the fp32 graph. */
class DjlBertTest {

    /** Largest |DJL - ORT| allowed on last_hidden_state (values are O(1); float32 sums over 384 and 1536 terms). */
    static final double TOLERANCE = 1e-4;

    @Test
    void matchesOnnxRuntimeOnTheFp32Graph() throws Exception {
        byte[] graph = Fp32Bge.modelBytes();
        List<String> texts = List.of("How tall is the Eiffel Tower?",
                "The Eiffel Tower is 330 metres tall. Bananas are edible fruit, botanically berries.", "Paris.");
        long[][] ids;
        try (TextTokenizer tokenizer = TextTokenizer.fromJson(Fp32Bge.tokenizer(), Fp32Bge.ID)) {
            ids = texts.stream().map(t -> tokenizer.encode(t, true).ids()).toArray(long[][]::new);
        }
        int length = 0;
        for (long[] row : ids) {
            length = Math.max(length, row.length);
        }
        long[][] paddedIds = new long[ids.length][length];
        long[][] mask = new long[ids.length][length];
        for (int r = 0; r < ids.length; r++) {
            System.arraycopy(ids[r], 0, paddedIds[r], 0, ids[r].length);
            java.util.Arrays.fill(mask[r], 0, ids[r].length, 1);
        }
        float[][][] expected;
        try (OrtSession session = OnnxSessions.open(graph, RuntimeOptions.defaults(), Fp32Bge.ID);
                OnnxTensor i = OnnxTensor.createTensor(OnnxSessions.environment(), paddedIds);
                OnnxTensor m = OnnxTensor.createTensor(OnnxSessions.environment(), mask);
                OnnxTensor t = OnnxTensor.createTensor(OnnxSessions.environment(), new long[ids.length][length]);
                OrtSession.Result result = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
            expected = (float[][][]) result.get(0).getValue();
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            DjlBert bert = new DjlBert(manager, BertWeights.fromOnnx(Fp32Bge.model()), Fp32Bge.HEADS);
            assertEquals(12, bert.layers);
            assertEquals(384, bert.hidden);
            NDArray out = bert.encode(manager.create(flat(paddedIds), new Shape(ids.length, length)),
                    manager.create(flat(mask), new Shape(ids.length, length)));
            float[] actual = out.toFloatArray();
            double worst = 0;
            for (int r = 0; r < ids.length; r++) {
                for (int p = 0; p < ids[r].length; p++) {
                    for (int d = 0; d < bert.hidden; d++) {
                        worst = Math.max(worst, Math.abs(actual[(r * length + p) * bert.hidden + d] - expected[r][p][d]));
                    }
                }
            }
            assertTrue(worst < TOLERANCE, "max |DJL - ORT| = " + worst);
        }
    }

    static long[] flat(long[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToLong(java.util.Arrays::stream).toArray();
    }
}
