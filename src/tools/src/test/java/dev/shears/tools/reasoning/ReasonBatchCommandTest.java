package dev.shears.tools.reasoning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.lm.ForwardingLanguageModel;
import dev.shears.lm.LanguageModel;
import dev.shears.lm.ScoredText;
import dev.shears.lm.ScoringRequest;
import dev.shears.onnx.lm.OnnxCausalLm;
import dev.shears.testing.TestModels;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command on GSM8K lines and bad ones, with the project-built test decoder as scorer. */
class ReasonBatchCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Used when the shared GSM8K file is not on this machine. */
    private static final List<String> GSM8K_FALLBACK = List.of(
            "{\"question\": \"Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?\", \"answer\": \"Natalia sold 48/2 = <<48/2=24>>24 clips in May.\\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\\n#### 72\"}",
            "{\"question\": \"Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?\", \"answer\": \"Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\\nWorking 50 minutes, she earned 0.2 x 50 = $<<0.2*50=10>>10.\\n#### 10\"}");

    @TempDir
    Path dir;
    Path input;
    /** Input line number to what a good line must yield: null for an error record. */
    final Map<Long, Boolean> expectOk = new TreeMap<>();
    long badJsonLine;

    @BeforeEach
    void writeInput() throws IOException {
        List<String> lines = new ArrayList<>(gsm8k(6));
        lines.add("{\"question\": \"broken\", \"answer\": ");                        // bad JSON
        badJsonLine = lines.size();
        lines.add("{\"id\": \"no-question\", \"reasoning\": \"a\\nb\"}");              // missing field
        lines.add("");                                                                // blank: no record
        lines.add("{\"id\": 42, \"question\": \"What is 2 + 3 + 4?\", \"steps\": [\"2 + 3 = 5.\","
                + " \"Check: 5 is odd.\", \"5 + 4 = 9.\"], \"answer\": \"9\"}");
        lines.add("{\"id\": \"too-long\", \"question\": \"q\", \"reasoning\": \""
                + "Another step of this long chain.\\n".repeat(40) + "\"}");             // past the context: model error
        lines.add("{\"question\": \"What is 3 x 4?\", \"reasoning\": \"3 x 4 means 4 + 4 + 4.\\n\\n"
                + "That is 8 + 4.\\n\\nSo 12.\"}");
        input = dir.resolve("chains.jsonl");
        Files.write(input, lines);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank()) {
                expectOk.put((long) i + 1, !line.contains("broken") && !line.contains("no-question")
                        && !line.contains("too-long"));
            }
        }
    }

    @Test
    void prunesEachLineAndRecordsFailures() throws IOException {
        Path out = dir.resolve("out.jsonl");
        Run run = run(input, out, "--lm-location", TestModels.longContext().toString());
        assertEquals(0, run.exit, run.stderr);
        Map<Long, JsonNode> records = byLine(out);
        assertEquals(expectOk.keySet(), records.keySet());
        expectOk.forEach((line, ok) -> assertEquals(ok, !records.get(line).has("error"), records.get(line).toString()));

        JsonNode natalia = records.get(1L);
        assertEquals("72", natalia.get("answer").asText(), "GSM8K: the '#### N' line is the answer");
        assertEquals(0.8, natalia.get("keep_ratio").asDouble());
        assertEquals("gpt2-long", natalia.get("scorer").asText());
        assertTrue(natalia.get("tokens_after").asInt() <= natalia.get("tokens_before").asInt());
        String chain = JSON.readTree(Files.readAllLines(input).get(0)).get("answer").asText();
        List<String> chainLines = Arrays.asList(chain.substring(0, chain.lastIndexOf("\n####")).split("\n"));
        List<String> kept = new ArrayList<>();
        natalia.get("kept_steps").forEach(i -> kept.add(chainLines.get(i.asInt())));
        assertEquals(String.join("\n", kept), natalia.get("pruned_reasoning").asText());

        JsonNode steps = records.values().stream().filter(r -> r.path("id").asInt() == 42).findFirst().orElseThrow();
        assertEquals(3, steps.get("steps").asInt());
        assertTrue(records.get(badJsonLine).get("error").asText().length() > 0, "bad JSON is an error record");
        assertTrue(records.values().stream().anyMatch(r -> r.path("id").asText().equals("no-question")
                && r.get("error").asText().contains("question")));
        assertTrue(records.values().stream().anyMatch(r -> r.path("id").asText().equals("too-long")
                && r.get("error").asText().contains("context")));
        assertTrue(run.stderr.contains(expectOk.size() + "/" + expectOk.size() + " lines"), run.stderr);
    }

    @Test
    void resumesAfterAnInterruptionMidWrite() throws IOException {
        Path whole = dir.resolve("whole.jsonl");
        Path out = dir.resolve("resumed.jsonl");
        String lm = TestModels.longContext().toString();
        assertEquals(0, run(input, whole, "--lm-location", lm).exit);

        assertEquals(0, run(input, out, "--lm-location", lm, "--max-lines", "4").exit);
        assertEquals(4, Files.readAllLines(out).size());
        // the process died while writing the 4th record: only half of it reached the disk
        byte[] bytes = Files.readAllBytes(out);
        int lastStart = new String(bytes, StandardCharsets.UTF_8).stripTrailing().lastIndexOf('\n') + 1;
        Files.write(out, Arrays.copyOf(bytes, lastStart + (bytes.length - lastStart) / 2));

        Run resumed = run(input, out, "--lm-location", lm);
        assertEquals(0, resumed.exit, resumed.stderr);
        assertTrue(resumed.stderr.contains("torn record"), resumed.stderr);
        List<String> lines = Files.readAllLines(out);
        assertEquals(expectOk.size(), lines.size(), "every line exactly once");
        assertEquals(byLine(whole), byLine(out), "the same records as an uninterrupted run");

        Run again = run(input, out, "--lm-location", lm);
        assertEquals(0, again.exit);
        assertEquals(lines, Files.readAllLines(out), "a finished output is left as it is");
        assertTrue(again.stderr.contains("0 lines to do"), again.stderr);
    }

    @Test
    void twoShardsCoverEveryLineOnce() throws IOException {
        String lm = TestModels.longContext().toString();
        Path even = dir.resolve("shard-0.jsonl");
        Path odd = dir.resolve("shard-1.jsonl");
        assertEquals(0, run(input, even, "--lm-location", lm, "--shard", "0/2").exit);
        assertEquals(0, run(input, odd, "--lm-location", lm, "--shard", "1/2").exit);
        Map<Long, JsonNode> zero = byLine(even);
        Map<Long, JsonNode> one = byLine(odd);
        assertTrue(zero.keySet().stream().allMatch(l -> l % 2 == 0));
        assertTrue(one.keySet().stream().allMatch(l -> l % 2 == 1));
        List<Long> all = Stream.concat(Files.readAllLines(even).stream(), Files.readAllLines(odd).stream())
                .map(l -> read(l).get("line").asLong()).sorted().toList();
        assertEquals(new ArrayList<>(expectOk.keySet()), all, "every line once, across both shards");
    }

    @Test
    void severalBudgetsScoreEachChainOnce() throws IOException {
        AtomicInteger scoreCalls = new AtomicInteger();
        Path out = dir.resolve("budgets.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ReasonBatchCommand.run(new String[] {input.toString(), out.toString(), "--budgets", "0.9,0.8,0.7"},
                new PrintStream(err, true, StandardCharsets.UTF_8),
                cli -> new Counting(OnnxCausalLm.open(TestModels.longContext()), scoreCalls));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        Map<Long, JsonNode> records = byLine(out);
        long ok = expectOk.values().stream().filter(good -> good).count();
        long scored = ok + 1; // the too-long chain is tried once, fails, and gets its error record
        assertEquals(scored, scoreCalls.get(), "one model call per chain, whatever the number of budgets");
        for (JsonNode r : records.values()) {
            if (r.has("error")) {
                continue;
            }
            JsonNode prunings = r.get("prunings");
            assertEquals(3, prunings.size());
            assertEquals(0.7, prunings.get(2).get("keep_ratio").asDouble());
            for (int i = 1; i < 3; i++) {
                assertTrue(prunings.get(i).get("tokens_after").asInt() <= prunings.get(i - 1).get("tokens_after").asInt());
            }
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains((2 * ok) + " score calls answered from the cache, "
                + scored + " went to the model"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitWithTwo() {
        String lm = TestModels.longContext().toString();
        String in = input.toString();
        String out = dir.resolve("x.jsonl").toString();
        for (String[] args : List.of(new String[] {}, new String[] {in}, new String[] {in, out, "--shard", "2/2"},
                new String[] {in, out, "--keep-ratio", "1.5"}, new String[] {in, out, "--keep-ratio", "0.5", "--budgets", "0.9"},
                new String[] {in, out, "--mode", "sideways"}, new String[] {in, out, "--nope", "1"},
                new String[] {in, out, "--lm-location", lm, "--remote-url", "http://localhost:1"})) {
            Run run = run(args);
            assertEquals(2, run.exit, String.join(" ", args) + "\n" + run.stderr);
            assertTrue(run.stderr.contains("usage: reason-batch"), run.stderr);
        }
        assertFalse(Files.exists(dir.resolve("x.jsonl")), "a usage error writes nothing");
        assertEquals(0, run(in, out, "--lm-location", lm, "--mode", "iterative", "--max-tokens", "20").exit);
        String embedded = dir.resolve("embedded.jsonl").toString();
        assertEquals(0, run(in, embedded).exit, "no scorer named: the embedded trigram");
        assertTrue(readFile(embedded).contains("\"scorer\":\"cmusphinx-en-us-trigram\""));
    }

    private static String readFile(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Run(int exit, String stderr) {}

    private static Run run(Path in, Path out, String... options) {
        List<String> args = new ArrayList<>(List.of(in.toString(), out.toString()));
        args.addAll(List.of(options));
        return run(args.toArray(String[]::new));
    }

    /** The command as the tools jar runs it (scorer chosen from the command line). */
    private static Run run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ReasonBatchCommand.run(args, new PrintStream(err, true, StandardCharsets.UTF_8), Scorers::open);
        return new Run(exit, err.toString(StandardCharsets.UTF_8));
    }

    private static Map<Long, JsonNode> byLine(Path out) throws IOException {
        Map<Long, JsonNode> records = new TreeMap<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode r = read(line);
            assertEquals(null, records.put(r.get("line").asLong(), r), "line " + r.get("line") + " twice");
        }
        return records;
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static List<String> gsm8k(int n) throws IOException {
        Path file = Path.of(System.getProperty("datasets.dir", "../shared/datasets")).resolve("gsm8k/train.jsonl.gz");
        if (!Files.isReadable(file)) {
            return GSM8K_FALLBACK;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            return in.lines().limit(n).toList();
        }
    }

    /** Counts the score calls that reach the model. */
    private static final class Counting extends ForwardingLanguageModel {
        final AtomicInteger calls;

        Counting(LanguageModel model, AtomicInteger calls) {
            super(model);
            this.calls = calls;
        }

        @Override
        public List<ScoredText> score(List<ScoringRequest> batch) {
            calls.incrementAndGet();
            return delegate.score(batch);
        }
    }
}
