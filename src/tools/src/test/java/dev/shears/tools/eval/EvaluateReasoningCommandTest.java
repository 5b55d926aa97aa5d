package dev.shears.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shears.onnx.graph.ByteLevelTokenizerJson;
import dev.shears.onnx.graph.DecoderConfig;
import dev.shears.onnx.graph.DecoderExporter;
import dev.shears.onnx.graph.DecoderWeights;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command end to end on the first GSM8K train chains (20, or {@code -Dgsm8k.limit=N}: the table in
 * src/docs/quality.md is this test's output at 500) with a tiny random-weight decoder the project builds.
 */
class EvaluateReasoningCommandTest {

    /** TestModels.GPT2's shape, with room for a whole GSM8K question and solution (byte-level tokens). */
    static final DecoderConfig DECODER = DecoderConfig.gpt2(ByteLevelTokenizerJson.SIZE, 32, 2, 4, 2048, false);

    static Path gsm8kTrain() {
        Path file = Path.of(System.getProperty("datasets.dir", "../shared/datasets")).resolve("gsm8k/train.jsonl.gz");
        assumeTrue(Files.isReadable(file), () -> "GSM8K not found at " + file.toAbsolutePath());
        return file;
    }

    @Test
    void prints_one_row_per_scorer_and_ratio_and_random_deletion_saves_tokens(@TempDir Path dir) throws Exception {
        Path decoder = dir.resolve("tiny-gpt2-random-weights");
        DecoderExporter.export(DecoderWeights.random(DECODER, 1234), decoder);
        String limit = System.getProperty("gsm8k.limit", "20");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EvaluateReasoningCommand.run(new String[] {gsm8kTrain().toString(), "--lm-location", decoder.toString(), "--limit",
                limit}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertTrue(out.startsWith("command: java -jar src/tools/target/shears-tools.jar evaluate-reasoning "), out);
        assertTrue(out.contains("chains: " + limit + " (the first " + limit + " of"), out);
        List<String> rows = out.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| scorer")
                && !l.startsWith("| keep ratio")).toList();
        assertEquals(4 * 4 + 4, rows.size(), "4 scorers x 4 ratios, then 4 iterative rows: " + out);
        for (String row : rows.subList(0, 16)) {
            String[] cells = row.split("\\|");
            assertEquals(6, cells.length, row);
            for (int c = 3; c <= 5; c++) {
                double v = Double.parseDouble(cells[c].strip());
                assertTrue(v >= 0 && v <= 1, row);
            }
        }
        String random06 = rows.stream().filter(r -> r.startsWith("| random deletion | 0.6 |")).findFirst().orElseThrow();
        assertTrue(Double.parseDouble(random06.split("\\|")[5].strip()) >= 0.2, "random deletion at 0.6 saves tokens: " + random06);
    }

    @Test
    void without_a_named_scorer_it_uses_the_embedded_trigram() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EvaluateReasoningCommand.run(new String[] {gsm8kTrain().toString(), "--limit", "5", "--seeds", "1"},
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("scorer cmusphinx-en-us-trigram"), text);
        assertTrue(text.contains("| first-token surprisal (ASAP) | 0.8 |"), text);
    }
}
