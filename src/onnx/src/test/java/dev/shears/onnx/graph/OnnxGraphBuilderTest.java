package dev.shears.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxGraphBuilderTest {

    @TempDir
    Path dir;

    @Test
    void buildsRunnableGraphWithSymbolicBatch() throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("affine");
        b.input("x", OnnxGraphBuilder.FLOAT, "batch", 2);
        String w = b.floatInitializer("w", new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        String y = b.op("Add", b.op("MatMul", "x", w), b.floatConst("bias", new float[]{0.5f, 0, -0.5f}, 3));
        b.node("Softmax").inputs(y).attr("axis", -1L).output("probs");
        b.output("probs", OnnxGraphBuilder.FLOAT, "batch", 3);
        Path file = dir.resolve("m.onnx");
        b.write(file);
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(OnnxGraphBuilder.DEFAULT_OPSET, OnnxGraphBuilder.opsetOf(m));
        assertEquals("batch", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertThrows(IllegalArgumentException.class, () -> b.input("x", OnnxGraphBuilder.FLOAT, 1));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[]{1, 0, 0, 1, 1, 1}),
                     new long[]{3, 2});
             OrtSession.Result r = s.run(Map.of("x", x))) {
            float[] p = new float[9];
            ((OnnxTensor) r.get("probs").get()).getFloatBuffer().get(p);
            double[] row0 = {1.5, 2, 2.5};
            double z = Math.exp(1.5) + Math.exp(2) + Math.exp(2.5);
            for (int i = 0; i < 3; i++) {
                assertEquals(Math.exp(row0[i]) / z, p[i], 1e-6);
            }
        }
    }

    @Test
    void logitHeadsGatherTargetLogProbsAndLastLogits() throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("toy_lm");
        b.input("input_ids", OnnxGraphBuilder.INT64, "batch", "seq");
        float[] table = {0, 1, 2, 3, -1, 0.5f, 2, 2, 0};
        String emb = b.floatInitializer("emb", table, 3, 3);
        b.node("Gather").inputs(emb, "input_ids").attr("axis", 0L).output("logits");
        b.output("logits", OnnxGraphBuilder.FLOAT, "batch", "seq", 3);
        ModelProto edited = LogitHeads.append(b.build(), true, true);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(edited.toByteArray());
             OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{0, 1, 2}), new long[]{1, 3});
             OnnxTensor tg = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{2, 0, 1}), new long[]{1, 3});
             OrtSession.Result r = s.run(Map.of("input_ids", ids, LogitHeads.TARGET_IDS, tg))) {
            float[] lp = new float[3];
            ((OnnxTensor) r.get(LogitHeads.TARGET_LOGPROBS).get()).getFloatBuffer().get(lp);
            long[] targets = {2, 0, 1};
            for (int t = 0; t < 3; t++) {
                double z = 0;
                for (int v = 0; v < 3; v++) {
                    z += Math.exp(table[t * 3 + v]);
                }
                assertEquals(table[t * 3 + (int) targets[t]] - Math.log(z), lp[t], 1e-6);
            }
            float[] last = new float[3];
            ((OnnxTensor) r.get(LogitHeads.LAST_LOGITS).get()).getFloatBuffer().get(last);
            assertArrayEquals(new float[]{2, 2, 0}, last);
        }
        assertTrue(LogitHeads.append(edited, true, true).getGraph().getOutputCount() == 3);
    }
}
