package dev.shears.tools.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.shears.eval.WikiQa;
import dev.shears.onnx.TextTokenizer;
import dev.shears.testing.WikiQaFiles;
import dev.shears.tools.CommandLine;
import dev.shears.tools.eval.WikiQaBlocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small, CI-sized runs: short blocks, one trained layer, a few steps. */
class TrainProvenceCommandTest {

    @Test
    void resumingFromACheckpointContinuesExactlyAsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path train = WikiQaFiles.require("WikiQA-train.tsv.gz");
        Path dev = firstQuestions(WikiQaFiles.require("WikiQA-dev.tsv.gz"), 1, tmp.resolve("dev.tsv"));
        List<String> common = List.of(train.toString(), "--dev", dev.toString(), "--limit", "3", "--max-length", "48",
                "--train-layers", "1", "--batch", "2", "--checkpoint-minutes", "0", "--seed", "7");
        run(common, "--work", tmp.resolve("whole").toString(), "--max-steps", "4");
        run(common, "--work", tmp.resolve("resumed").toString(), "--max-steps", "2");
        run(common, "--work", tmp.resolve("resumed").toString(), "--max-steps", "4");
        TrainingCheckpoint whole = TrainingCheckpoint.read(tmp.resolve("whole/checkpoint.bin"));
        TrainingCheckpoint resumed = TrainingCheckpoint.read(tmp.resolve("resumed/checkpoint.bin"));
        assertEquals(4, whole.step());
        assertEquals(whole.step(), resumed.step());
        assertEquals(whole.position(), resumed.position());
        assertEquals(whole.weights().keySet(), resumed.weights().keySet());
        whole.weights().forEach((name, w) -> assertArrayEquals(w, resumed.weights().get(name), 1e-6f, name));
        whole.second().forEach((name, v) -> assertArrayEquals(v, resumed.second().get(name), 1e-9f, name));
        assertEquals(lossColumn(tmp.resolve("whole/loss.tsv")), lossColumn(tmp.resolve("resumed/loss.tsv")));
        assertTrue(Files.exists(tmp.resolve("whole/best.bin")) && Files.size(tmp.resolve("whole/curve.tsv")) > 0);
    }

    @Test
    void trainingStepsLowerTheLossOnTheirBlocks() throws Exception {
        List<WikiQa.Question> answerable = WikiQa.read(WikiQaFiles.require("WikiQA-dev.tsv.gz")).stream()
                .filter(WikiQa.Question::answerable).limit(2).toList();
        WikiQaBlocks blocks;
        try (TextTokenizer tokenizer = TextTokenizer.fromJson(Fp32Bge.tokenizer(), Fp32Bge.ID)) {
            blocks = WikiQaBlocks.pack(answerable, tokenizer, 96);
        }
        int[] all = java.util.stream.IntStream.range(0, blocks.blocks.size()).toArray();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            ProvenceTrainer trainer = new ProvenceTrainer(manager, BertWeights.fromOnnx(Fp32Bge.model()),
                    new ProvenceTrainer.Settings(96, 1, 1, all.length, 1e-4, 1e-2, 0, 0, 0.2, 3, 0, 1, 0));
            double before = trainer.evaluate(blocks).loss();
            for (int step = 0; step < 6; step++) {
                trainer.step(blocks, all, step, 1000);
            }
            double after = trainer.evaluate(blocks).loss();
            assertTrue(after < 0.7 * before, "token loss " + before + " -> " + after);
        }
    }

    @Test
    void exportedModelsAgreeWithTheDjlModel(@TempDir Path tmp) throws Exception {
        Path dev = firstQuestions(WikiQaFiles.require("WikiQA-dev.tsv.gz"), 2, tmp.resolve("dev.tsv"));
        run(List.of(WikiQaFiles.require("WikiQA-train.tsv.gz").toString(), "--dev", dev.toString(), "--limit", "2",
                "--max-length", "48", "--train-layers", "1", "--batch", "2", "--lr", "1e-3", "--head-lr", "1e-2"),
                "--work", tmp.resolve("work").toString(), "--max-steps", "3");
        for (boolean int8 : new boolean[] {false, true}) {
            Path out = tmp.resolve(int8 ? "int8" : "fp32");
            // export throws when the keep-probs differ by more than the stated tolerance; the fp32 export is gated, so
            // its tight bound also checks the graph's gate against keep-prob x sigmoid(rank) (rank probs are far from 1)
            boolean gate = !int8;
            ExportProvenceCommand.Agreement a = ExportProvenceCommand.export(tmp.resolve("work/best.bin"), out, dev, int8,
                    gate, "test", 8, 0.95, "test");
            assertTrue(a.blocks() > 0 && a.maxKeepProbDiff() <= (int8 ? ExportProvenceCommand.INT8_TOLERANCE
                    : ExportProvenceCommand.FP32_TOLERANCE), a.describe());
            assertTrue(a.maxRankDiff() < (int8 ? 0.2 : 1e-3), a.describe());
            assertTrue(Files.exists(out.resolve("manifest.json")));
        }
    }

    private static void run(List<String> common, String... more) throws Exception {
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of(more));
        TrainProvenceCommand.run(new CommandLine(args.toArray(String[]::new), TrainProvenceCommand.OPTIONS));
    }

    private static List<String> lossColumn(Path lossTsv) throws Exception {
        try (Stream<String> lines = Files.lines(lossTsv)) {
            return lines.skip(1).map(l -> l.split("\t")).map(f -> f[4] + "/" + f[5]).toList();
        }
    }

    /** The header and the rows of the first {@code n} questions of a WikiQA file, as a plain TSV. */
    static Path firstQuestions(Path gz, int n, Path out) throws Exception {
        List<String> kept = new ArrayList<>();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(Files.newInputStream(gz)), java.nio.charset.StandardCharsets.UTF_8))) {
            kept.add(in.readLine());
            java.util.Set<String> ids = new java.util.LinkedHashSet<>();
            for (String line; (line = in.readLine()) != null; ) {
                String id = line.split("\t", 2)[0];
                if (ids.size() < n || ids.contains(id)) {
                    ids.add(id);
                    kept.add(line);
                }
            }
        }
        return Files.write(out, kept);
    }
}
