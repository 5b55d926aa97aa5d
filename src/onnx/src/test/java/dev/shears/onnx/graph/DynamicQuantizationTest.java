package dev.shears.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.shears.eval.WikiQa;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.prune.ModelPruner;
import dev.shears.onnx.prune.PruneMethod;
import dev.shears.testing.WikiQaFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicQuantizationTest {

    /** x [b, 4] → MatMul W1 [in 4, out 6] → Gemm W2 [out 3, in 6] (transB, alpha, beta, bias) → y; and x·xᵀ. */
    static ModelProto smallGraph(float[] w1) {
        OnnxGraphBuilder b = new OnnxGraphBuilder("linear", 13);
        b.input("x", OnnxGraphBuilder.FLOAT, "batch", 4);
        float[] w2 = new float[18];
        for (int k = 0; k < w2.length; k++) {
            w2[k] = (float) Math.sin(k * 1.7) * (k % 3 + 1);
        }
        String h = b.node("MatMul").name("fc1").inputs("x", b.floatInitializer("w1", w1, 4, 6)).output("h");
        b.node("Gemm").name("fc2").inputs(h, b.floatInitializer("w2", w2, 3, 6), b.floatInitializer("c", new float[] {0.5f, -1, 2}, 3))
                .attr("transB", 1L).attr("alpha", 0.5f).attr("beta", 2f).output("y");
        String t = b.node("Transpose").inputs("x").attr("perm", new long[] {1, 0}).output();
        b.node("MatMul").name("gram").inputs("x", t).output("g");
        b.output("y", OnnxGraphBuilder.FLOAT, "batch", 3);
        b.output("g", OnnxGraphBuilder.FLOAT, "batch", "batch");
        return b.build();
    }

    static float[] w1() {
        float[] w = new float[24];
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) Math.cos(k * 0.9) * (1 + k / 8f);
        }
        w[5] = 0; // a pruned weight
        w[7] = 1e-4f; // a weight far below one quantization step of its channel
        return w;
    }

    static float[][] run(ModelProto model, float[][] x) throws Exception {
        try (OrtSession s = OnnxSessions.open(model.toByteArray(), RuntimeOptions.cpu(1), "test");
                OnnxTensor in = OnnxTensor.createTensor(OnnxSessions.environment(), x);
                OrtSession.Result r = s.run(Map.of("x", in))) {
            float[][] y = (float[][]) r.get("y").get().getValue();
            float[][] g = (float[][]) r.get("g").get().getValue();
            return new float[][] {y[0], y[1], g[0]};
        }
    }

    @Test
    void rewritesMatMulAndTransposedGemmIntoTheIntegerPatternAndKeepsTheirOutputs() throws Exception {
        ModelProto fp32 = smallGraph(w1());
        DynamicQuantization.Result q = DynamicQuantization.quantize(fp32);
        List<String> ops = q.model().getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
        assertEquals(2, ops.stream().filter("MatMulInteger"::equals).count());
        assertEquals(2, ops.stream().filter("DynamicQuantizeLinear"::equals).count()); // x and h
        assertEquals(1, ops.stream().filter("MatMul"::equals).count()); // x·xᵀ stays float
        assertTrue(q.model().getGraph().getInitializerList().stream().noneMatch(t -> t.getName().equals("w1") || t.getName().equals("w2")),
                "float weights are dropped");
        float[][] x = {{0.3f, -1.2f, 2.0f, 0.7f}, {-0.5f, 0.25f, 1.5f, -2.2f}};
        float[][] expected = run(fp32, x);
        float[][] actual = run(q.model(), x);
        float[][] perToken = run(ModelProto.parseFrom(RowwiseQuantization.rewrite(q.model().toByteArray())), x);
        for (int r = 0; r < expected.length; r++) {
            double tolerance = 0.08 * maxAbs(expected[r]); // two layers of 8-bit activations with one scale per tensor
            for (int c = 0; c < expected[r].length; c++) {
                assertEquals(expected[r][c], actual[r][c], tolerance, "row " + r + " col " + c);
                assertEquals(expected[r][c], perToken[r][c], tolerance, "per token, row " + r + " col " + c);
            }
        }
    }

    static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void storesPrunedWeightsAsZeroWithSevenBitsPerChannel() {
        DynamicQuantization.Result q = DynamicQuantization.quantize(smallGraph(w1()));
        DynamicQuantization.LayerStats fc1 = q.layers().get(0);
        assertEquals("w1", fc1.weight());
        assertEquals(1, fc1.floatZeros());
        assertEquals(2, fc1.int8Zeros());
        assertEquals(1, fc1.roundedToZero()); // 1e-4 is under half a step
        byte[] stored = initializer(q.model(), "w1_shears_int8").getRawData().toByteArray();
        assertEquals(0, stored[5]);
        assertEquals(0, stored[7]);
        assertEquals(4 * 6 - 2, nonzero(stored));
        // keeping the zero set: the tiny weight is stored as +1, the pruned one stays 0
        DynamicQuantization.Result exact = DynamicQuantization.quantize(smallGraph(w1()), DynamicQuantization.REDUCED_RANGE, true);
        byte[] exactStored = initializer(exact.model(), "w1_shears_int8").getRawData().toByteArray();
        assertEquals(0, exactStored[5]);
        assertEquals(1, exactStored[7]);
        assertEquals(4 * 6 - 1, nonzero(exactStored));
        assertEquals(0, exact.layers().get(0).roundedToZero());
        int max = 0;
        for (byte v : stored) {
            max = Math.max(max, Math.abs(v));
        }
        assertEquals(DynamicQuantization.REDUCED_RANGE, max);
    }

    static long nonzero(byte[] values) {
        return java.util.stream.IntStream.range(0, values.length).filter(i -> values[i] != 0).count();
    }

    static TensorProto initializer(ModelProto m, String name) {
        return m.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    }

    // ---- the real encoder: fp32 bge-small (same weights as the published int8 graph) ----

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DynamicQuantizationTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    /** A model directory serving {@code graph} with the published model's tokenizer and manifest fields. */
    static EncoderModel encoder(Path dir, byte[] graph, boolean rowwise, int maxBatchSize) throws IOException {
        Files.createDirectories(dir);
        String manifest = new String(resource("models/bge-small-en-v1.5-q/manifest.json"), StandardCharsets.UTF_8);
        ModelManifest published = ModelLocation.parse("classpath:models/bge-small-en-v1.5-q").manifest();
        Files.write(dir.resolve("bge-small-en-v1.5-q.onnx"), graph);
        Files.write(dir.resolve("bge-small-en-v1.5-q-tokenizer.json"), resource("bge-small-en-v1.5-q-tokenizer.json"));
        manifest = manifest.replace(published.file(ModelManifest.MODEL).sha256(), ModelLocation.sha256(graph))
                .replaceAll("\"bytes\": " + published.file(ModelManifest.MODEL).bytes(), "\"bytes\": " + graph.length)
                .replace("\"rowwise_quantization\": true", "\"rowwise_quantization\": " + rowwise);
        Files.writeString(dir.resolve(ModelManifest.FILE_NAME), manifest);
        return EncoderModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults(), maxBatchSize, 8192);
    }

    /** "title. sentence" of the first WikiQA dev questions, as the pruner embeds them. */
    static List<String> devSentences(int count) throws IOException {
        List<String> out = new ArrayList<>();
        for (WikiQa.Question q : WikiQa.read(WikiQaFiles.require("WikiQA-dev.tsv.gz"))) {
            for (String s : q.sentences()) {
                if (out.size() < count) {
                    out.add(q.title().strip() + ". " + s);
                }
            }
        }
        return out;
    }

    static double[] cosines(float[][] a, float[][] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            for (int d = 0; d < a[i].length; d++) {
                c[i] += a[i][d] * b[i][d];
            }
        }
        return c;
    }

    static String summary(double[] c) {
        return String.format(java.util.Locale.ROOT, "mean %.4f min %.4f", Arrays.stream(c).average().orElse(0),
                Arrays.stream(c).min().orElse(0));
    }

    /**
     * Shears' int8 of the fp32 graph stays within cosine 0.99 of fp32 on every sentence, served one sequence
     * per pass (the CPU default) and per-token batched, and is about as close to fp32 as the published int8.
     */
    @Test
    void quantizedBgeSmallEmbedsLikeFp32(@TempDir Path tmp) throws Exception {
        List<String> sentences = devSentences(200);
        byte[] fp32 = resource("bge-small-en-v1.5.onnx");
        byte[] int8 = DynamicQuantization.quantize(ModelProto.parseFrom(fp32)).model().toByteArray();
        float[][] reference;
        float[][] single;
        float[][] batched;
        float[][] published;
        try (EncoderModel e = encoder(tmp.resolve("fp32"), fp32, false, 32)) {
            reference = e.embedTexts(sentences);
        }
        try (EncoderModel e = encoder(tmp.resolve("int8-single"), int8, true, 1)) {
            single = e.embedTexts(sentences);
        }
        try (EncoderModel e = encoder(tmp.resolve("int8-batched"), int8, true, 32)) {
            batched = e.embedTexts(sentences);
        }
        try (EncoderModel e = encoder(tmp.resolve("published"), resource("bge-small-en-v1.5-q.onnx"), true, 1)) {
            published = e.embedTexts(sentences);
        }
        double[] toFp32 = cosines(single, reference);
        double[] batchedToFp32 = cosines(batched, reference);
        double[] publishedToFp32 = cosines(published, reference);
        double[] toPublished = cosines(single, published);
        System.out.printf("%d sentences; cosine to fp32: own int8 one per pass %s, per-token batched %s, published int8 %s;"
                + " own to published %s%n", sentences.size(), summary(toFp32), summary(batchedToFp32), summary(publishedToFp32),
                summary(toPublished));
        assertTrue(Arrays.stream(toFp32).min().orElse(0) >= 0.99, summary(toFp32));
        assertTrue(Arrays.stream(batchedToFp32).min().orElse(0) >= 0.99, summary(batchedToFp32));
        assertTrue(Arrays.stream(toPublished).min().orElse(0) >= 0.98, summary(toPublished));
        // not worse than the published quantization by more than noise
        assertTrue(Arrays.stream(toFp32).average().orElse(0) >= Arrays.stream(publishedToFp32).average().orElse(0) - 0.005);
    }

    /** A 50% magnitude-pruned bge-small, quantized keeping its zero set, has exactly its zeros in int8. */
    @Test
    void fiftyPercentPrunedBgeSmallStaysExactlyHalfZerosInInt8() throws Exception {
        ModelPruner.Result pruned = ModelPruner.unstructured(PruneMethod.MAGNITUDE, 0.5)
                .prune(ModelProto.parseFrom(resource("bge-small-en-v1.5.onnx")), null);
        DynamicQuantization.Result rounded = DynamicQuantization.quantize(pruned.model());
        assertTrue(rounded.int8Zeros() > pruned.total() / 2, "a few surviving weights are under half a step");
        assertTrue(rounded.int8Zeros() < pruned.total() / 2 * 1.001, "but very few: " + rounded.int8Zeros());
        DynamicQuantization.Result q = DynamicQuantization.quantize(pruned.model(), DynamicQuantization.REDUCED_RANGE, true);
        assertEquals(72, q.layers().size());
        assertEquals(pruned.total(), q.weights());
        assertEquals(pruned.zeros(), q.floatZeros());
        assertEquals(pruned.total() / 2, q.int8Zeros());
        long onDisk = 0;
        for (DynamicQuantization.LayerStats l : q.layers()) {
            onDisk += DynamicQuantization.int8Zeros(initializer(q.model(), l.weight() + "_shears_int8"));
        }
        assertEquals(pruned.total() / 2, onDisk);
        assertFalse(q.layers().stream().anyMatch(l -> l.int8Zeros() != l.floatZeros()));
    }
}
