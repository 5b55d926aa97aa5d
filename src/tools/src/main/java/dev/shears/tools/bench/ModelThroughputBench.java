package dev.shears.tools.bench;

import ai.onnxruntime.OrtSession;
import dev.shears.eval.WikiQa;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.RuntimeOptions;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.encoder.OfflineModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Encoder throughput of several model directories in one run, on the path Shears serves on a CPU (path 1a of
 * {@link ThroughputBench}: one sequence per {@code run()} on single-threaded sessions, one thread per core,
 * pre-built tensors), over the same WikiQA questions and "title. sentence" passage inputs. Rounds are
 * interleaved after a warm-up round, and each model's ratio to the first is taken within a round before its
 * median, as in {@link ThroughputBench}.
 *
 * <pre>
 * java -jar src/tools/target/shears-tools.jar bench-models ../shared/datasets/wikiqa/WikiQA-dev.tsv.gz 3 BASE_DIR DIR...
 * </pre>
 * Arguments: dataset, rounds, then model locations (directories with a manifest, or {@code classpath:models/ID});
 * the first is the baseline of the ratios. All must share the first one's tokenizer. Not part of CI.
 */
public final class ModelThroughputBench {

    private ModelThroughputBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: bench-models DATASET ROUNDS BASELINE_MODEL MODEL...");
            System.exit(2);
        }
        ThroughputBench.Work work = ThroughputBench.work(WikiQa.read(Path.of(args[0])));
        int rounds = Integer.parseInt(args[1]);
        List<String> models = List.of(args).subList(2, args.length);
        int cores = Runtime.getRuntime().availableProcessors();
        List<List<long[]>> singles;
        try (EncoderModel tokenizer = OfflineModels.encoder(models.get(0))) {
            singles = ThroughputBench.sortedBatches(tokenizer, work, 1);
        }
        long tokens = singles.stream().flatMap(List::stream).mapToLong(s -> s.length).sum();
        System.out.printf(Locale.ROOT, "%d sequences, %d tokens per pass; %d models, %d interleaved rounds after a warm-up,"
                + " one sequence per run on %d threads, single-threaded sessions%n", singles.size(), tokens,
                models.size(), rounds, cores);
        Map<String, OrtSession> sessions = new LinkedHashMap<>();
        try {
            for (String m : models) {
                ModelLocation location = ModelLocation.parse(m);
                ModelManifest manifest = location.manifest();
                sessions.put(m, OnnxSessions.open(location.readVerified(manifest, ModelManifest.MODEL),
                        RuntimeOptions.cpu(1), "bench-" + manifest.id()));
            }
            Map<String, List<ThroughputBench.Pass>> passes = new LinkedHashMap<>();
            for (int round = -1; round < rounds; round++) { // round -1 warms every model up
                for (Map.Entry<String, OrtSession> s : sessions.entrySet()) {
                    ThroughputBench.Pass pass = ThroughputBench.runRaw(s.getValue(), singles, cores);
                    if (round >= 0) {
                        passes.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(pass);
                    }
                }
            }
            String baseline = models.get(0);
            System.out.printf(Locale.ROOT, "%n%-60s %10s %11s %9s  %s%n", "model", "seq/s", "tokens/s", "ratio", "seq/s per round");
            for (String m : models) {
                double seconds = ThroughputBench.median(passes.get(m).stream().mapToDouble(ThroughputBench.Pass::seconds).toArray());
                System.out.printf(Locale.ROOT, "%-60s %10.1f %11.0f %9.2f %s%n", m, singles.size() / seconds, tokens / seconds,
                        ThroughputBench.ratio(passes, m, baseline), passes.get(m).stream()
                                .map(p -> String.format(Locale.ROOT, " %.1f", singles.size() / p.seconds()))
                                .reduce("", String::concat));
            }
        } finally {
            for (OrtSession s : sessions.values()) {
                s.close();
            }
        }
    }
}
