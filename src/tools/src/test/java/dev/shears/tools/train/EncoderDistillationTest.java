package dev.shears.tools.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.TextTokenizer;
import dev.shears.onnx.prune.StructuredPruner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DJL encoder on structurally pruned graphs (fewer heads, narrower MLPs, removed blocks) computes what ONNX
 * Runtime computes on them, and distillation moves a pruned student toward its teacher on sentences it never saw.
 */
class EncoderDistillationTest {

    static final List<String> TEXTS = List.of("How tall is the Eiffel Tower?", "The Eiffel Tower is 330 metres tall.",
            "Bananas are edible fruit, botanically berries.", "Who wrote Pride and Prejudice?",
            "Pride and Prejudice is an 1813 novel by Jane Austen.", "The mitochondrion is the powerhouse of the cell.",
            "What is the capital of Australia?", "Canberra is the capital city of Australia.",
            "Water boils at 100 degrees Celsius at sea level.", "When did the Second World War end?",
            "The war in Europe ended on 8 May 1945.", "Photosynthesis turns light into chemical energy.",
            "How many legs does a spider have?", "Spiders have eight legs and two body segments.",
            "The Pacific is the largest ocean on Earth.", "Who painted the Mona Lisa?",
            "Leonardo da Vinci painted the Mona Lisa in the early 1500s.", "What does DNA stand for?",
            "Deoxyribonucleic acid carries genetic information.", "Mount Everest is 8,849 metres high.",
            "Which planet is known as the red planet?", "Mars looks red because of iron oxide on its surface.",
            "The Great Wall of China is thousands of kilometres long.", "Who discovered penicillin?");
    static final List<String> HELD_OUT = List.of("What is the speed of light?", "Light travels at about 300,000 km per second.",
            "Sound is much slower than light.", "Einstein showed that nothing travels faster than light.",
            "Who was the first person on the Moon?", "Neil Armstrong walked on the Moon in July 1969.",
            "Apollo 11 landed in the Sea of Tranquility.", "The Moon orbits the Earth every 27 days.");

    static ModelProto teacher;
    static List<long[]> train;
    static List<long[]> heldOut;
    /** HELD_OUT as groups: each question with the sentences after it. */
    static List<List<long[]>> heldOutGroups;

    @BeforeAll
    static void load() throws Exception {
        teacher = Fp32Bge.model();
        try (TextTokenizer tokenizer = TextTokenizer.fromJson(Fp32Bge.tokenizer(), Fp32Bge.ID)) {
            train = TEXTS.stream().map(t -> tokenizer.encode(t, true).ids()).toList();
            heldOut = HELD_OUT.stream().map(t -> tokenizer.encode(t, true).ids()).toList();
        }
        heldOutGroups = List.of(heldOut.subList(0, 4), heldOut.subList(4, 8));
    }

    @Test
    void djlRunsPrunedGraphsAsOnnxRuntimeDoes() throws Exception {
        // 9 of 12 heads, half the MLP channels and one block fewer, no refit: the graph's shapes all differ
        ModelProto pruned = new StructuredPruner(0.5, 0.75, 1, 32, StructuredPruner.Reconstruction.NONE, 0).prune(teacher, train)
                .model();
        BertWeights weights = BertWeights.fromOnnx(pruned);
        assertEquals(11, weights.layers);
        long[] ids = train.get(1);
        float[] expected;
        try (OrtSession session = OnnxSessions.open(pruned.toByteArray(), RuntimeOptions.defaults(), "pruned");
                OnnxTensor i = OnnxTensor.createTensor(OnnxSessions.environment(), new long[][] {ids});
                OnnxTensor m = OnnxTensor.createTensor(OnnxSessions.environment(), new long[][] {ones(ids.length)});
                OnnxTensor t = OnnxTensor.createTensor(OnnxSessions.environment(), new long[1][ids.length]);
                OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
            expected = flat((float[][][]) r.get(0).getValue());
        }
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            DjlBert bert = new DjlBert(manager, weights, Fp32Bge.HEADS);
            float[] actual = bert.encode(manager.create(ids, new Shape(1, ids.length)),
                    manager.create(ones(ids.length), new Shape(1, ids.length))).toFloatArray();
            assertEquals(expected.length, actual.length);
            double worst = 0;
            for (int k = 0; k < actual.length; k++) {
                worst = Math.max(worst, Math.abs(actual[k] - expected[k]));
            }
            assertTrue(worst < DjlBertTest.TOLERANCE, "max |DJL - ORT| = " + worst);
        }
    }

    @Test
    void distillationMovesAPrunedStudentTowardItsTeacherOnUnseenSentences() throws Exception {
        EncoderDistillation.Result r = distilled();
        assertEquals(9, r.steps());
        assertTrue(r.after().clsCosine() > r.before().clsCosine() + 0.005, r.describe());
        // what the head sees moves toward the teacher too: the question-sentence cosines of the held-out questions
        assertTrue(r.after().pairCosineError() < r.before().pairCosineError(), r.describe());
        assertTrue(r.before().rankCorrelation() < 1, r.describe());
        assertTrue(r.lastLoss() < r.firstLoss(), r.describe());
        // the trained weights are in the written graph: ONNX Runtime on it agrees with a fresh DJL load of it
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                OrtSession session = OnnxSessions.open(r.model().toByteArray(), RuntimeOptions.defaults(), "distilled")) {
            DjlBert bert = new DjlBert(manager, BertWeights.fromOnnx(r.model()), Fp32Bge.HEADS);
            DjlBert before = new DjlBert(manager, BertWeights.fromOnnx(student()), Fp32Bge.HEADS);
            long[] ids = heldOut.get(0);
            NDArray idArray = manager.create(ids, new Shape(1, ids.length));
            NDArray mask = manager.create(ones(ids.length), new Shape(1, ids.length));
            float[] djl = bert.encode(idArray, mask).toFloatArray();
            float[] old = before.encode(idArray, mask).toFloatArray();
            float[] ort;
            try (OnnxTensor i = OnnxTensor.createTensor(OnnxSessions.environment(), new long[][] {ids});
                    OnnxTensor m = OnnxTensor.createTensor(OnnxSessions.environment(), new long[][] {ones(ids.length)});
                    OnnxTensor t = OnnxTensor.createTensor(OnnxSessions.environment(), new long[1][ids.length]);
                    OrtSession.Result out = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
                ort = flat((float[][][]) out.get(0).getValue());
            }
            double worst = 0;
            double moved = 0;
            for (int k = 0; k < djl.length; k++) {
                worst = Math.max(worst, Math.abs(djl[k] - ort[k]));
                moved = Math.max(moved, Math.abs(djl[k] - old[k]));
            }
            assertTrue(worst < DjlBertTest.TOLERANCE, "max |DJL - ORT| = " + worst);
            assertTrue(moved > 1e-3, "distillation left the graph as it was");
        }
    }

    /** Half the MLP channels and two blocks removed, without a refit: far enough from the teacher to learn. */
    private static ModelProto student() throws Exception {
        return new StructuredPruner(0.5, 1, 2, 32, StructuredPruner.Reconstruction.NONE, 0).prune(teacher, train).model();
    }

    private static EncoderDistillation.Result distilled() throws Exception {
        EncoderDistillation.Settings settings = new EncoderDistillation.Settings(3, 8, 2e-4, 0.1, 0.01, 1.0, 1.0, 64, 7);
        return EncoderDistillation.distill(teacher, student(), Fp32Bge.HEADS, train, heldOutGroups, settings, System.err);
    }

    @Test
    void aStudentThatIsItsTeacherMeasuresAsOne() throws Exception {
        EncoderDistillation.Settings still = new EncoderDistillation.Settings(1, 8, 0, 0.1, 0.01, 1.0, 1.0, 64, 7);
        EncoderDistillation.HeldOut h = EncoderDistillation.distill(teacher, teacher, Fp32Bge.HEADS, train, heldOutGroups,
                still, System.err).before();
        assertEquals(1, h.clsCosine(), 1e-5);
        assertEquals(1, h.clsCosineP5(), 1e-5);
        assertEquals(0, h.pairCosineError(), 1e-5);
        assertEquals(1, h.rankCorrelation(), 1e-9);
        assertEquals(1, h.sameTop(), 1e-9);
    }

    @Test
    void batchesAreLengthSortedPaddedAndTruncatedKeepingTheFinalSep() {
        List<long[]> sentences = new ArrayList<>(List.of(new long[] {101, 5, 6, 7, 8, 102}, new long[] {101, 5, 102},
                new long[] {101, 9, 9, 102}));
        List<long[][]> batches = EncoderDistillation.batches(sentences, 2, 5);
        assertEquals(2, batches.size());
        assertEquals(List.of(List.of(101L, 5L, 102L, 0L), List.of(101L, 9L, 9L, 102L)), rows(batches.get(0)));
        assertEquals(List.of(List.of(101L, 5L, 6L, 7L, 102L)), rows(batches.get(1)));
    }

    private static List<List<Long>> rows(long[][] batch) {
        return java.util.Arrays.stream(batch).map(r -> java.util.Arrays.stream(r).boxed().toList()).toList();
    }

    private static long[] ones(int n) {
        long[] m = new long[n];
        java.util.Arrays.fill(m, 1);
        return m;
    }

    private static float[] flat(float[][][] x) {
        float[] out = new float[x.length * x[0].length * x[0][0].length];
        int k = 0;
        for (float[][] a : x) {
            for (float[] b : a) {
                for (float v : b) {
                    out[k++] = v;
                }
            }
        }
        return out;
    }
}
