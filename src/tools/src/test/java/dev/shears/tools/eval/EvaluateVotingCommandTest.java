package dev.shears.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateVotingCommandTest {

    static String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EvaluateVotingCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    static List<String> rows(String table) {
        return table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| method")).toList();
    }

    @Test
    void real_gpt3_paths_scored_by_the_embedded_trigram() throws Exception {
        Path file = Path.of(System.getProperty("datasets.dir", "../shared/datasets")).resolve("gsm8k/model-solutions-dev.jsonl.gz");
        assumeTrue(Files.isReadable(file), "GSM8K model solutions not found at " + file);
        String out = run(file.toString(), "--limit", "40");
        assertTrue(out.contains("questions: 40, paths per question: 4"), out);
        assertTrue(out.contains("mean token log-prob under cmusphinx-en-us-trigram"), out);
        assertTrue(out.contains("agree with the data's is_correct flags on 1.000"), out);
        assertEquals(4 * 3, rows(out).size(), "four methods at n = 2, 3, 4");
        for (String row : rows(out)) {
            String[] cells = row.split("\\|");
            double accuracy = Double.parseDouble(cells[3].strip());
            double ece = Double.parseDouble(cells[4].strip());
            assertTrue(accuracy >= 0 && accuracy <= 1 && ece >= 0 && ece <= 1, row);
        }
    }

    /** Paths from a known model: correct ones are more probable, so PC must beat SC and RPC must prune. */
    @Test
    void given_probabilities_and_twelve_paths_let_rpc_prune(@TempDir Path dir) throws Exception {
        Random random = new Random(5);
        StringBuilder lines = new StringBuilder();
        for (int q = 0; q < 60; q++) {
            StringBuilder paths = new StringBuilder();
            for (int i = 0; i < 12; i++) {
                boolean right = random.nextDouble() < 0.4;
                String answer = right ? "42" : String.valueOf(40 + random.nextInt(2));
                double p = right ? 0.7 + 0.2 * random.nextDouble() : 0.3 + 0.3 * random.nextDouble();
                paths.append(i == 0 ? "" : ",").append("{\"text\": \"path ").append(q).append('-').append(i)
                        .append(" A: ").append(answer).append("\", \"mean_logprob\": ").append(Math.log(p)).append('}');
            }
            lines.append("{\"question\": \"q").append(q).append("\", \"gold\": \"42\", \"paths\": [").append(paths).append("]}\n");
        }
        Path file = dir.resolve("paths.jsonl");
        Files.writeString(file, lines);
        String out = run(file.toString(), "--subsets", "5");
        assertEquals(4 * 11, rows(out).size(), out);
        double sc = accuracy(out, "self-consistency (SC)", 12);
        double pc = accuracy(out, "perplexity consistency (PC)", 12);
        double rpc = accuracy(out, "RPC (pruning + PC)", 12);
        assertTrue(pc > sc, out);
        assertTrue(rpc >= pc, out);
    }

    static double accuracy(String out, String method, int n) {
        return rows(out).stream().filter(r -> r.startsWith("| " + method + " | " + n + " |")).findFirst()
                .map(r -> Double.parseDouble(r.split("\\|")[3].strip())).orElseThrow();
    }
}
