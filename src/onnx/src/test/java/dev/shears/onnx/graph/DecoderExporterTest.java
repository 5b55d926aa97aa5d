package dev.shears.onnx.graph;

import dev.shears.testing.ReferenceDecoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exported graphs, run directly in ONNX Runtime, agree with {@link ReferenceDecoder}. */
class DecoderExporterTest {

    static final DecoderConfig GPT2 = DecoderConfig.gpt2(ByteLevelTokenizerJson.SIZE, 32, 2, 4, 64, false);
    static final DecoderConfig LLAMA = DecoderConfig.llama(ByteLevelTokenizerJson.SIZE + 3, 48, 2, 4, 2, 96, 64);

    @TempDir
    Path dir;

    @Test
    void gpt2LogitsMatchReference() throws Exception {
        assertMatches(GPT2);
    }

    @Test
    void llamaGqaLogitsMatchReference() throws Exception {
        assertMatches(LLAMA);
    }

    @Test
    void tiedGpt2MatchesReference() throws Exception {
        assertMatches(DecoderConfig.gpt2(ByteLevelTokenizerJson.SIZE, 32, 1, 2, 32, true));
    }

    @Test
    void weightsAreDeterministic() {
        DecoderWeights a = DecoderWeights.random(LLAMA, 7);
        DecoderWeights b = DecoderWeights.random(LLAMA, 7);
        assertArrayEquals(a.tokenEmbedding(), b.tokenEmbedding());
        assertArrayEquals(a.layers().get(1).wDown(), b.layers().get(1).wDown());
    }

    @Test
    void tokenizerLoadsAndGivesCharOffsets() throws Exception {
        DecoderExporter.export(DecoderWeights.random(GPT2, 1), dir);
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            String text = "in the thé<|endoftext|>";
            Encoding e = tok.encode(text, false, false);
            long[] ids = e.getIds();
            assertEquals(ByteLevelTokenizerJson.END_OF_TEXT_ID, ids[ids.length - 1]);
            assertTrue(ids[0] > 256, "merge 'in' used: " + java.util.Arrays.toString(ids));
            assertEquals(text, tok.decode(ids, false));
            var spans = e.getCharTokenSpans();
            assertEquals(0, spans[0].getStart());
            assertEquals(2, spans[0].getEnd());
            assertEquals(text.length(), spans[spans.length - 1].getEnd());
        }
        assertTrue(Files.exists(dir.resolve("config.json")));
    }

    private void assertMatches(DecoderConfig config) throws Exception {
        DecoderWeights weights = DecoderWeights.random(config, 42);
        DecoderExporter.export(weights, dir);
        int[] ids = {72, 101, 108, 108, 111, 32, 257, 258, 10, 200, 3, 256};
        double[][] expected = new ReferenceDecoder(weights).logits(ids);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] lids = new long[ids.length];
        long[] pos = new long[ids.length];
        long[] mask = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            lids[i] = ids[i];
            pos[i] = i;
            mask[i] = 1;
        }
        long[] shape = {1, ids.length};
        try (OrtSession s = env.createSession(dir.resolve("decoder_model.onnx").toString());
             OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(lids), shape);
             OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor p = OnnxTensor.createTensor(env, LongBuffer.wrap(pos), shape);
             OrtSession.Result r = s.run(Map.of("input_ids", a, "attention_mask", m, "position_ids", p))) {
            FloatBuffer logits = ((OnnxTensor) r.get("logits").get()).getFloatBuffer();
            double max = 0;
            double spread = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < config.vocabSize(); v++) {
                    max = Math.max(max, Math.abs(logits.get(t * config.vocabSize() + v) - expected[t][v]));
                    spread = Math.max(spread, Math.abs(expected[t][v]));
                }
            }
            System.out.printf("%s: max |ORT - reference| logit error %.3g (max |logit| %.2f)%n",
                    config.family(), max, spread);
            assertTrue(max < 1e-4, "max abs logit error " + max);
            assertTrue(spread > 2, "logits should not be near-uniform");
        }
    }
}
