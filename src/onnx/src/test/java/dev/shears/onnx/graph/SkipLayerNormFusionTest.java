package dev.shears.onnx.graph;

import static dev.shears.onnx.graph.DynamicQuantizationTest.cosines;
import static dev.shears.onnx.graph.DynamicQuantizationTest.devSentences;
import static dev.shears.onnx.graph.DynamicQuantizationTest.encoder;
import static dev.shears.onnx.graph.DynamicQuantizationTest.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.shears.onnx.EncoderInputs;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.encoder.EncoderModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkipLayerNormFusionTest {

    /**
     * The fp32 bge-small graph: all 25 layer norms (embeddings, and two per block) become SkipLayerNormalization,
     * none of their decomposition is left, and the hidden states match the unfused graph to float rounding (2e-4 here) on a
     * padded batch of three, whose embedding sum adds position vectors broadcast over the batch.
     */
    @Test
    void fusesEveryLayerNormOfBgeSmallWithTheSameOutputs() throws Exception {
        byte[] graph = resource("bge-small-en-v1.5.onnx");
        SkipLayerNormFusion.Result fused = SkipLayerNormFusion.fuse(graph);
        assertEquals(25, fused.fused());
        ModelProto before = ModelProto.parseFrom(graph);
        ModelProto after = ModelProto.parseFrom(fused.model());
        assertEquals(25, count(after, "SkipLayerNormalization"));
        assertEquals(0, count(after, "ReduceMean"));
        assertEquals(0, count(after, "Sqrt"));
        assertEquals(count(before, "MatMul"), count(after, "MatMul"));
        assertTrue(before.getGraph().getNodeCount() - after.getGraph().getNodeCount() >= 25 * 9,
                "each norm's nine nodes and its residual Add go, one node comes");
        for (NodeProto constant : after.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Constant")).toList()) {
            assertTrue(after.getGraph().getNodeList().stream().anyMatch(n -> n.getInputList().contains(constant.getOutput(0))),
                    "no orphaned constant: " + constant.getName());
        }

        List<long[]> batch = randomSequences(new int[] {7, 19, 12}, 30000, 1);
        float[] expected = run(graph, batch);
        float[] actual = run(fused.model(), batch);
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst < 1e-3, "largest difference in a hidden state: " + worst);
    }

    /**
     * The published int8 graph fuses the same 25 norms. It quantizes activations per pass, so a norm's float
     * rounding can move a quantized activation by a whole step: fused and unfused embeddings are not bit-equal
     * (cosine about 0.999 between them), but they are equally far from the fp32 graph's, which is what matters.
     */
    @Test
    void publishedInt8GraphIsAsCloseToFp32WhenFused(@TempDir Path tmp) throws Exception {
        byte[] graph = resource("bge-small-en-v1.5-q.onnx");
        assertEquals(25, SkipLayerNormFusion.fuse(graph).fused());
        List<String> sentences = devSentences(150);
        try (EncoderModel served = encoder(tmp.resolve("served"), graph, false, 1);
                OrtSession unfused = OnnxSessions.open(graph, RuntimeOptions.cpu(1), "unfused");
                OrtSession fp32 = OnnxSessions.open(resource("bge-small-en-v1.5.onnx"), RuntimeOptions.cpu(1), "fp32")) {
            assertEquals(25, served.fusedLayerNorms());
            float[][] fused = served.embedTexts(sentences);
            float[][] plain = new float[sentences.size()][];
            float[][] reference = new float[sentences.size()][];
            for (int i = 0; i < sentences.size(); i++) {
                long[] ids = served.tokenize(sentences.get(i));
                plain[i] = normalized(cls(run(unfused, List.of(ids)), ids.length));
                reference[i] = normalized(cls(run(fp32, List.of(ids)), ids.length));
            }
            double[] between = cosines(fused, plain);
            double fusedToFp32 = Arrays.stream(cosines(fused, reference)).average().orElse(0);
            double plainToFp32 = Arrays.stream(cosines(plain, reference)).average().orElse(0);
            System.out.printf("published int8, %d sentences: fused vs unfused cosine min %.5f mean %.6f; mean cosine to fp32"
                    + " fused %.6f, unfused %.6f%n", sentences.size(), Arrays.stream(between).min().orElse(0),
                    Arrays.stream(between).average().orElse(0), fusedToFp32, plainToFp32);
            assertTrue(Arrays.stream(between).min().orElse(0) >= 0.99);
            assertEquals(plainToFp32, fusedToFp32, 0.001);
        }
    }

    /** A pre-norm residual stream: the sum feeds the norm and the next residual, so the fused node's fourth output keeps it. */
    @Test
    void keepsTheSumWhenItIsUsedElsewhere() throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("prenorm");
        b.input("a", OnnxGraphBuilder.FLOAT, "batch", "seq", 8);
        b.input("r", OnnxGraphBuilder.FLOAT, "batch", "seq", 8);
        String sum = b.op("Add", "a", "r");
        String normed = b.node("LayerNormalization").inputs(sum, b.floatInitializer("g", ramp(8, 0.5f), 8),
                b.floatInitializer("bias", ramp(8, -0.1f), 8)).attr("epsilon", 1e-6f).output();
        String y = b.op("Add", sum, b.op("Mul", normed, normed));
        b.output(y, OnnxGraphBuilder.FLOAT, "batch", "seq", 8);
        byte[] graph = b.toBytes();

        SkipLayerNormFusion.Result fused = SkipLayerNormFusion.fuse(graph);
        assertEquals(1, fused.fused());
        NodeProto skip = ModelProto.parseFrom(fused.model()).getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("SkipLayerNormalization")).findFirst().orElseThrow();
        assertEquals(List.of("a", "r", "g", "bias"), skip.getInputList());
        assertEquals(sum, skip.getOutput(3));
        assertEquals(1e-6f, skip.getAttribute(0).getF());

        float[] a = ramp(2 * 3 * 8, 0.37f);
        float[] r = ramp(2 * 3 * 8, -0.11f);
        assertArrayEquals(runFloats(graph, a, r), runFloats(fused.model(), a, r), 1e-5f);
    }

    /** Norms that are not over the last axis, or whose input adds a constant, are not this pattern: the bytes come back as they were. */
    @Test
    void leavesOtherNormsAlone() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("other");
        b.input("a", OnnxGraphBuilder.FLOAT, "batch", 8);
        String shifted = b.op("Add", "a", b.floatInitializer("shift", ramp(8, 1f), 8));
        String y = b.node("LayerNormalization").inputs(shifted, b.floatInitializer("g", ramp(8, 0.5f), 8)).output();
        String z = b.node("LayerNormalization").inputs(b.op("Add", "a", y), b.floatInitializer("g0", ramp(8, 0.5f), 8))
                .attr("axis", 0L).output();
        b.output(z, OnnxGraphBuilder.FLOAT, "batch", 8);
        byte[] graph = b.toBytes();
        SkipLayerNormFusion.Result result = SkipLayerNormFusion.fuse(graph);
        assertEquals(0, result.fused());
        assertSame(graph, result.model());
    }

    /**
     * A fusion ORT cannot run is caught before the model serves: here the residual's first addend is broadcast
     * over the batch ({@code (1, S, H)}), which SkipLayerNormalization takes only as its skip input, so the
     * fused graph fails on the load's batch of two and the encoder opens the graph unfused, with the same results.
     */
    @Test
    void encoderFallsBackToTheUnfusedGraphWhenTheFusedOneCannotRun(@TempDir Path tmp) throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("broadcast-first");
        b.input(EncoderInputs.INPUT_IDS, OnnxGraphBuilder.INT64, "batch", "seq");
        b.input(EncoderInputs.ATTENTION_MASK, OnnxGraphBuilder.INT64, "batch", "seq");
        String ids = b.op("Unsqueeze", b.node("Cast").inputs(EncoderInputs.INPUT_IDS).attr("to", (long) OnnxGraphBuilder.FLOAT).output(),
                b.longConst("axes", 2));
        String tokens = b.op("Mul", b.op("Div", ids, b.floatScalar("vocab", 30000f)), b.floatInitializer("dir", ramp(384, 0.01f), 384));
        String first = b.op("Slice", tokens, b.longConst("start", 0), b.longConst("end", 1), b.longConst("axis", 0));
        String sum = b.op("Add", first, tokens);
        String hidden = b.node("LayerNormalization").inputs(sum, b.floatInitializer("g", ramp(384, 1f), 384),
                b.floatInitializer("beta", ramp(384, 0f), 384)).output("last_hidden_state");
        b.output(hidden, OnnxGraphBuilder.FLOAT, "batch", "seq", 384);
        byte[] graph = b.toBytes();
        assertEquals(1, SkipLayerNormFusion.fuse(graph).fused());

        List<String> texts = List.of("a short one", "a rather longer sentence than the first one");
        try (EncoderModel e = encoder(tmp.resolve("m"), graph, false, 8);
                OrtSession raw = OnnxSessions.open(graph, RuntimeOptions.cpu(1), "unfused")) {
            assertEquals(0, e.fusedLayerNorms(), "served unfused");
            float[][] served = e.embedTexts(texts);
            for (int i = 0; i < texts.size(); i++) {
                long[] seq = e.tokenize(texts.get(i));
                float[] expected = cls(run(raw, List.of(seq)), seq.length);
                assertArrayEquals(normalized(expected), served[i], 1e-5f);
            }
        }
    }

    private static long count(ModelProto m, String op) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
    }

    private static float[] ramp(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * (float) Math.sin(0.7 * i + 0.3);
        }
        return v;
    }

    private static List<long[]> randomSequences(int[] lengths, int vocab, long seed) {
        Random random = new Random(seed);
        return Arrays.stream(lengths).mapToObj(n -> random.longs(n, 1000, vocab).toArray()).toList();
    }

    /** Hidden states of a padded batch, flattened. */
    private static float[] run(byte[] graph, List<long[]> batch) throws Exception {
        try (OrtSession session = OnnxSessions.open(graph, RuntimeOptions.cpu(1), "test")) {
            return run(session, batch);
        }
    }

    private static float[] run(OrtSession session, List<long[]> batch) throws Exception {
        int length = batch.stream().mapToInt(s -> s.length).max().orElse(0);
        try (EncoderInputs inputs = EncoderInputs.of(batch, length, session.getInputNames());
                OrtSession.Result result = session.run(inputs.tensors())) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] v = new float[out.remaining()];
            out.get(v);
            return v;
        }
    }

    /** The first token's vector of a one-sequence output. */
    private static float[] cls(float[] hidden, int length) {
        return Arrays.copyOf(hidden, hidden.length / length);
    }

    private static float[] normalized(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] /= (float) Math.sqrt(n);
        }
        return out;
    }

    private static float[] runFloats(byte[] graph, float[] a, float[] r) throws Exception {
        try (OrtSession session = OnnxSessions.open(graph, RuntimeOptions.cpu(1), "test");
                OnnxTensor ta = OnnxTensor.createTensor(OnnxSessions.environment(), FloatBuffer.wrap(a), new long[] {2, 3, 8});
                OnnxTensor tr = OnnxTensor.createTensor(OnnxSessions.environment(), FloatBuffer.wrap(r), new long[] {2, 3, 8});
                OrtSession.Result result = session.run(Map.of("a", ta, "r", tr))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] v = new float[out.remaining()];
            out.get(v);
            return v;
        }
    }
}
