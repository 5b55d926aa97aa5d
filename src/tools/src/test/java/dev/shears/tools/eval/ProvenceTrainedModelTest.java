package dev.shears.tools.eval;

import dev.shears.onnx.encoder.OfflineModels;

import dev.shears.eval.PruningEvaluation;
import dev.shears.eval.WikiQa;
import dev.shears.testing.WikiQaFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.Document;
import dev.shears.pruning.PrunedDocument;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.ScoredSentence;
import dev.shears.pruning.provence.PassageScores;
import dev.shears.pruning.provence.ProvenceScorer;
import dev.shears.pruning.provence.SentenceAlignment;
import dev.shears.pruning.text.DefaultSentenceSplitter;
import dev.shears.onnx.ModelLoadException;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.provence.OnnxProvenceModel;
import dev.shears.onnx.provence.ProvenceRelevanceModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pipeline on a small scale (CI-sized): heads trained on the first 400 WikiQA-train questions on the
 * frozen embedded bge-small, appended to its graph, loaded back through the manifest and run on WikiQA-dev.
 */
class ProvenceTrainedModelTest {

    @TempDir
    static Path work;

    static Path modelDir;
    static TrainProvenceHeadCommand.Result result;
    static List<WikiQa.Question> train;

    @BeforeAll
    static void trainSmallModel() throws Exception {
        Path data = WikiQaFiles.require("WikiQA-train.tsv.gz");
        modelDir = work.resolve("model");
        train = WikiQa.read(data).subList(0, 400);
        result = TrainProvenceHeadCommand.train(new TrainProvenceHeadCommand.Settings(data, modelDir, OfflineModels.DEFAULT_MODEL,
                400, 0, 4, 1, false, 42L, 0.96, 0.001, 0.0001, null, null, null));
    }

    private static OnnxProvenceModel open(Path dir) {
        return OnnxProvenceModel.load(ModelLocation.parse(dir.toString()), RuntimeOptions.defaults());
    }

    @Test
    void loadsThroughItsManifest() {
        try (OnnxProvenceModel model = open(modelDir)) {
            ModelManifest m = model.manifest();
            assertEquals(ModelManifest.TASK_PROVENCE, m.task());
            assertEquals(result.threshold(), model.defaultThreshold());
            assertEquals(42, ((Number) m.provence().training().get("seed")).intValue());
            assertEquals(400, ((Number) m.provence().training().get("questions")).intValue());
        }
    }

    @Test
    void sha256MismatchIsRefused() throws Exception {
        Path copy = work.resolve("tampered");
        Files.createDirectories(copy);
        for (String f : List.of("model.onnx", "tokenizer.json", "manifest.json")) {
            Files.copy(modelDir.resolve(f), copy.resolve(f));
        }
        String manifest = Files.readString(copy.resolve("manifest.json"));
        String sha = ModelLocation.sha256(Files.readAllBytes(copy.resolve("tokenizer.json")));
        Files.writeString(copy.resolve("manifest.json"), manifest.replace(sha, "0".repeat(64)));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> open(copy));
        assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
    }

    /** The heads appended to the ONNX graph compute what the Java trainer computed (up to int8 batch effects). */
    @Test
    void graphHeadsMatchTheTrainer() {
        TrainProvenceHeadCommand.FeatureEval java = result.trainScores();
        try (OnnxProvenceModel model = open(modelDir)) {
            ProvenceScorer scorer = new ProvenceScorer(model, model.packer(), model.rounding());
            double worst = 0;
            for (int q = 0; q < 6; q++) {
                WikiQa.Question question = train.get(q);
                SentenceAlignment a = SentenceAlignment.of(ProvenceRelevanceModel.scoredSentences(question.title(),
                        question.sentences()), model::tokenize);
                PassageScores s = scorer.score(model.tokenize(question.question()), List.of(new ProvenceScorer.Passage(a, true))).get(0);
                for (int i = 0; i < s.size(); i++) {
                    worst = Math.max(worst, Math.abs(s.meanScores()[i] - java.sentenceScore[java.f.layout.questionFirstSentence()[q] + i]));
                }
            }
            assertTrue(worst < 0.03, "graph vs Java sentence scores differ by " + worst);
        }
    }

    /** On WikiQA-dev the small model ranks answer sentences above the others more often than chance (it is weak: AUC ≈ 0.57 with 400 questions). */
    @Test
    void prunesADevSampleSanely() throws Exception {
        List<WikiQa.Question> dev = WikiQa.read(WikiQaFiles.require("WikiQA-dev.tsv.gz")).stream()
                .filter(WikiQa.Question::answerable).limit(50).toList();
        try (OnnxProvenceModel model = open(modelDir)) {
            ContextPruner pruner = new ContextPruner(new DefaultSentenceSplitter(), ProvenceRelevanceModel.of(model));
            List<Double> answers = new ArrayList<>();
            List<Double> others = new ArrayList<>();
            for (WikiQa.Question q : dev) {
                PrunedDocument d = pruner.prune(q.question(), List.of(new Document(q.id(), q.title(), q.passage())),
                        PruningOptions.defaults()).documents().get(0);
                assertTrue(d.relevanceScore() >= 0 && d.relevanceScore() <= 1, "sigmoid scale");
                List<int[]> answerSpans = new ArrayList<>();
                int[][] spans = q.sentenceSpans();
                for (int i = 0; i < spans.length; i++) {
                    if (q.labels().get(i)) {
                        answerSpans.add(spans[i]);
                    }
                }
                for (ScoredSentence s : d.sentences()) {
                    (PruningEvaluation.overlapShare(answerSpans, s.start(), s.end()) >= 0.5 ? answers : others).add(s.score());
                }
            }
            long wins = 0;
            long pairs = 0;
            for (double a : answers) {
                for (double o : others) {
                    wins += a > o ? 2 : a == o ? 1 : 0;
                    pairs += 2;
                }
            }
            double auc = (double) wins / pairs;
            assertTrue(auc > 0.55, "AUC of answer vs other sentences " + auc);
        }
    }
}
