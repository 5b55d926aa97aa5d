package dev.shears.tools.bench;

import dev.shears.tools.ShearsProcess;
import java.util.Map;
import dev.shears.lm.SamplingRequest;
import dev.shears.lm.ScoringRequest;
import dev.shears.onnx.graph.ByteLevelTokenizerJson;
import dev.shears.onnx.graph.DecoderConfig;
import dev.shears.onnx.graph.DecoderExporter;
import dev.shears.onnx.graph.DecoderWeights;
import dev.shears.onnx.lm.OnnxCausalLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Throughput of the local language model, not run in CI. Exports a GPT-2 style and a Llama style decoder of a
 * few million parameters into {@code target/bench-lm/}, then measures (warm-up, repetitions, medians)
 * teacher-forced scoring and greedy generation in tokens/s, in-process and over HTTP against
 * {@code /local/v1/completions} of a Shears started from {@code src/server/target/quarkus-app/quarkus-run.jar} (build it
 * first with {@code mvn -q package -DskipTests}; without it the HTTP rows are skipped).
 *
 * <pre>java -jar src/tools/target/shears-tools.jar bench-lm [--threads 2 --reps 10]</pre>
 */
public final class LanguageModelBench {

    static final int SCORE_BATCH = 8;
    static final int GENERATE_TOKENS = 64;
    static final String TEXT = "Shears prunes retrieved passages before the language model reads them, and scores"
            + " reasoning traces token by token so that a gateway can keep the steps that carry the answer. ";

    record Row(String model, String where, String mode, int tokens, double medianMs) {
        double tokensPerSecond() {
            return tokens / (medianMs / 1000);
        }
    }

    private static final String COMPLETIONS = "/local/v1/completions";

    private final int threads;
    private final int warmup;
    private final int reps;
    private final List<Row> rows = new ArrayList<>();

    LanguageModelBench(int threads, int warmup, int reps) {
        this.threads = threads;
        this.warmup = warmup;
        this.reps = reps;
    }

    public static void main(String[] args) throws Exception {
        int threads = intArg(args, "--threads", 2);
        LanguageModelBench bench = new LanguageModelBench(threads, intArg(args, "--warmup", 3), intArg(args, "--reps", 10));
        Path root = Path.of("target", "bench-lm");
        int vocab = ByteLevelTokenizerJson.SIZE;
        bench.run("gpt2-h256-l4", DecoderConfig.gpt2(vocab, 256, 4, 4, 512, false), root);
        bench.run("llama-h256-l4", DecoderConfig.llama(vocab, 256, 4, 4, 2, 688, 512), root);
        bench.print();
        System.exit(0);
    }

    void run(String name, DecoderConfig config, Path root) throws Exception {
        Path dir = root.resolve(name);
        if (!Files.exists(dir.resolve("decoder_model.onnx"))) {
            DecoderExporter.export(DecoderWeights.random(config, 7), dir);
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < SCORE_BATCH; i++) {
            texts.add(i + ". " + TEXT.repeat(2));
        }
        String prompt = TEXT;
        try (OnnxCausalLm lm = OnnxCausalLm.open(dir, dev.shears.onnx.lm.OnnxCausalLmOptions.defaults()
                .withIntraOpThreads(threads))) {
            List<ScoringRequest> batch = texts.stream().map(ScoringRequest::of).toList();
            measure(name, "in-process", "score", () -> lm.score(batch).stream().mapToInt(s -> s.tokens().size()).sum());
            SamplingRequest greedy = new SamplingRequest(prompt, 1, 0, 1, GENERATE_TOKENS, List.of(), 0L);
            measure(name, "in-process", "generate", () -> lm.sample(greedy).stream()
                    .mapToInt(c -> c.tokens().size()).sum());
        }
        if (!Files.exists(ShearsProcess.defaultJar())) {
            System.err.println("no " + ShearsProcess.defaultJar() + ": HTTP rows skipped (build it with: mvn -q package -DskipTests)");
            return;
        }
        try (ShearsProcess server = ShearsProcess.start(ShearsProcess.defaultJar(), Map.of(
                "shears.lm.location", dir.toAbsolutePath().toString(), "shears.lm.intra-op-threads", String.valueOf(threads)))) {
            // echo scoring of every text in one request, then greedy generation; the tokens the server counted
            Map<String, Object> score = Map.of("prompt", texts, "echo", true, "max_tokens", 0, "logprobs", 1);
            Map<String, Object> generate = Map.of("prompt", prompt, "max_tokens", GENERATE_TOKENS, "temperature", 0, "logprobs", 1);
            measure(name, "http", "score", () -> server.post(COMPLETIONS, score).path("usage").path("prompt_tokens").asInt());
            measure(name, "http", "generate", () -> server.post(COMPLETIONS, generate).path("usage").path("completion_tokens").asInt());
        }
    }

    private void measure(String model, String where, String mode, IntSupplier work) {
        for (int i = 0; i < warmup; i++) {
            work.getAsInt();
        }
        double[] ms = new double[reps];
        int tokens = 0;
        for (int i = 0; i < reps; i++) {
            long started = System.nanoTime();
            tokens = work.getAsInt();
            ms[i] = (System.nanoTime() - started) / 1e6;
        }
        Arrays.sort(ms);
        double median = reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2;
        rows.add(new Row(model, where, mode, tokens, median));
        System.err.printf(Locale.ROOT, "%s %s %s: %d tokens, median %.1f ms%n", model, where, mode, tokens, median);
    }

    void print() {
        System.out.printf(Locale.ROOT, "%n%-14s %-10s %-9s %7s %10s %10s%n", "model", "where", "mode", "tokens",
                "median ms", "tokens/s");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-14s %-10s %-9s %7d %10.1f %10.0f%n", r.model(), r.where(), r.mode(),
                    r.tokens(), r.medianMs(), r.tokensPerSecond());
        }
        System.out.printf(Locale.ROOT, "(%d threads, %d warm-up runs, median of %d; score = %d texts per batch,"
                + " generate = greedy, up to %d tokens)%n", threads, warmup, reps, SCORE_BATCH, GENERATE_TOKENS);
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
