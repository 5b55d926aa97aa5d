package dev.shears.onnx.provence;

import dev.shears.testing.TestGraphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.Document;
import dev.shears.pruning.PrunedDocument;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.PruningResult;
import dev.shears.pruning.provence.BlockPacker;
import dev.shears.pruning.provence.ScoreScale;
import dev.shears.pruning.provence.SentenceRounding;
import dev.shears.pruning.provence.TokenKeepModel.BlockOutput;
import dev.shears.pruning.text.DefaultSentenceSplitter;
import dev.shears.onnx.ModelLoadException;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxProvenceModelTest {

    @TempDir
    Path dir;

    private OnnxProvenceModel open(boolean logits, int maxLength) throws Exception {
        TestGraphs.writeModel(dir, logits, maxLength, "mean_prob", "logit", 0.3);
        return OnnxProvenceModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults());
    }

    @Test
    void probsOutputIsReadPerTokenAndRankIsSumOfIds() throws Exception {
        try (OnnxProvenceModel model = open(false, 64)) {
            long[] a = {101, 7, 55, 102, 1999, 102};
            long[] b = {101, 42, 102};
            List<BlockOutput> out = model.run(List.of(a, b));
            assertEquals(101 + 7 + 55 + 102 + 1999 + 102, out.get(0).rankLogit(), 1e-3);
            assertEquals(101 + 42 + 102, out.get(1).rankLogit(), 1e-3);
            for (int k = 0; k < a.length; k++) {
                assertEquals(TestGraphs.prob(a[k]), out.get(0).keepProbs()[k], 1e-6);
            }
            assertEquals(b.length, out.get(1).keepProbs().length, "padding is trimmed");
        }
    }

    @Test
    void twoClassLogitsAreSoftmaxed() throws Exception {
        try (OnnxProvenceModel model = open(true, 64)) {
            long[] a = {101, 7, 55, 199, 102};
            BlockOutput out = model.run(List.<long[]>of(a)).get(0);
            for (int k = 0; k < a.length; k++) {
                assertEquals(TestGraphs.probFromLogits(a[k]), out.keepProbs()[k], 1e-6);
            }
        }
    }

    @Test
    void batchEqualsSingle() throws Exception {
        try (OnnxProvenceModel model = open(true, 64)) {
            List<long[]> blocks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long[] ids = new long[3 + (i * 7) % 11];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = 1000 + i * 31 + k * 13;
                }
                blocks.add(ids);
            }
            List<BlockOutput> batched = model.run(blocks);
            for (int i = 0; i < blocks.size(); i++) {
                BlockOutput single = model.run(List.of(blocks.get(i))).get(0);
                assertEquals(single.rankLogit(), batched.get(i).rankLogit(), 0);
                assertArrayEquals(single.keepProbs(), batched.get(i).keepProbs(), 0);
            }
        }
    }

    @Test
    void manifestDrivesRoundingScaleAndThreshold() throws Exception {
        TestGraphs.writeModel(dir, false, 64, "decision_avg", "sigmoid", 0.25);
        try (OnnxProvenceModel model = OnnxProvenceModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults())) {
            assertEquals(SentenceRounding.DECISION_AVG, model.rounding());
            assertEquals(ScoreScale.SIGMOID, model.scoreScale());
            assertEquals(0.25, model.defaultThreshold());
            BlockPacker packer = model.packer();
            assertEquals(64, packer.maxLength());
            assertEquals(101, packer.cls());
            assertEquals(102, packer.end());
        }
    }

    @Test
    void sha256MismatchIsRefused() throws Exception {
        TestGraphs.writeModel(dir, false, 64, "mean_prob", "logit", 0.3);
        byte[] graph = Files.readAllBytes(dir.resolve("model.onnx"));
        graph[graph.length - 1] ^= 1;
        Files.write(dir.resolve("model.onnx"), graph);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> OnnxProvenceModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults()));
        assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
    }

    @Test
    void nonProvenceManifestAndMissingOutputAreRefused() throws Exception {
        TestGraphs.writeModel(dir, false, 64, "mean_prob", "logit", 0.3);
        Path manifest = dir.resolve("manifest.json");
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("\"task\": \"provence\"", "\"task\": \"sentence-embedding\""));
        assertThrows(ModelLoadException.class, () -> OnnxProvenceModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults()));
        Files.writeString(manifest, text.replace("\"rank_output\": \"rank_logits\"", "\"rank_output\": \"nope\""));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> OnnxProvenceModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults()));
        assertTrue(e.getMessage().contains("no output 'nope'"), e.getMessage());
        Files.writeString(manifest, text.replace("\"rounding\": \"mean_prob\"", "\"rounding\": \"coin_flip\""));
        assertThrows(ModelLoadException.class, () -> OnnxProvenceModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults()));
    }

    /**
     * End to end through the unchanged ContextPruner: a passage far longer than max_length is packed into
     * several blocks (query in each), every sentence's score is the mean of (id mod 100)/100 over its tokens as
     * the real tokenizer produced them, and document relevance is the best block's sum of ids.
     */
    @Test
    void relevanceModelThroughContextPrunerOnLongPassage() throws Exception {
        try (OnnxProvenceModel model = open(false, 48)) {
            ProvenceRelevanceModel relevance = ProvenceRelevanceModel.of(model);
            StringBuilder text = new StringBuilder();
            List<String> sentences = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String s = "Sentence number " + i + " talks about topic " + (i * 7) + " and other things.";
                sentences.add(s);
                text.append(i == 0 ? "" : " ").append(s);
            }
            ContextPruner pruner = new ContextPruner(new DefaultSentenceSplitter(), relevance);
            String query = "which topic";
            PruningResult result = pruner.prune(query, List.of(new Document("d", null, text.toString())),
                    PruningOptions.defaults().withThreshold(0.3));
            PrunedDocument doc = result.documents().get(0);
            assertEquals(30, doc.sentences().size());
            long[] q = model.tokenize(query);
            double bestRank = Double.NEGATIVE_INFINITY;
            List<long[]> sentenceIds = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long[] ids = model.tokenize(i == 0 ? sentences.get(i) : " " + sentences.get(i));
                sentenceIds.add(ids);
                double mean = 0;
                for (long id : ids) {
                    mean += TestGraphs.prob(id);
                }
                mean /= ids.length;
                assertEquals(mean, doc.sentences().get(i).score(), 1e-6, "sentence " + i);
                assertEquals(mean > 0.3, doc.sentences().get(i).kept(), "sentence " + i);
            }
            // blocks as the packer builds them: capacity 48 - 2 - |q| - 1, whole sentences here (each < 24 tokens)
            int capacity = 48 - 3 - q.length;
            int used = 0;
            long sum = 101 + 102 + 102;
            for (long id : q) {
                sum += id;
            }
            long blockSum = sum;
            int blocks = 1;
            for (long[] ids : sentenceIds) {
                if (used + ids.length > capacity && used > 0) {
                    bestRank = Math.max(bestRank, blockSum);
                    blockSum = sum;
                    used = 0;
                    blocks++;
                }
                for (long id : ids) {
                    blockSum += id;
                }
                used += ids.length;
            }
            bestRank = Math.max(bestRank, blockSum);
            assertTrue(blocks >= 5, "passage spans several blocks: " + blocks);
            assertEquals(bestRank, doc.relevanceScore(), 0.1);
        }
    }
}
