package dev.shears.tools.bench;

import dev.shears.tools.CommandLine;
import dev.shears.tools.ShearsProcess;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.shears.onnx.encoder.OfflineModels;
import dev.shears.eval.WikiQa;
import dev.shears.pruning.ContextPruner;
import dev.shears.pruning.Document;
import dev.shears.pruning.PruningOptions;
import dev.shears.pruning.text.DefaultSentenceSplitter;
import dev.shears.pruning.text.TextSpan;
import dev.shears.onnx.encoder.EncoderModel;
import dev.shears.onnx.ModelLocation;
import dev.shears.onnx.ModelManifest;
import dev.shears.onnx.OnnxSessions;
import dev.shears.onnx.graph.RowwiseQuantization;
import dev.shears.onnx.RuntimeOptions;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Throughput of the same work four ways, in one run, on WikiQA passages: every question embedded once and
 * every passage sentence ("title. sentence") embedded once.
 *
 * <ol>
 *   <li>raw ONNX Runtime {@code run()} on pre-built tensors: (a) the published graph as it is, one sequence per
 *       run on single-threaded sessions, one thread per core (how Shears served it until its layer norms were
 *       fused); (b) the published graph on length-sorted batches of 32 with a 2-thread session (per-batch
 *       activation quantization lets batch-mates move results); (c) the per-token quantized rewrite
 *       (batch-invariant) as (b); (d) as (a) with the layer norms fused ({@link OnnxSessions#openEncoder}): what
 *       Shears serves on a CPU now
 *   <li>Shears in-process: {@link ContextPruner#prune} per question, cache off
 *   <li>Shears over HTTP: the packaged service in its own process, N concurrent clients (HTTP/1.1), one
 *       passage per request, cache off
 *   <li>LangChain4j's in-process {@code BgeSmallEnV15QuantizedEmbeddingModel.embedAll} on the same texts
 * </ol>
 *
 * <p>The paths are interleaved: after a warm-up round, each round runs every path once, and each ratio is taken
 * within a round before its median is reported, so that the drift of a shared machine between minutes does
 * not land on one path only.
 *
 * <pre>
 * mvn -q -B package -DskipTests
 * java -jar src/tools/target/shears-tools.jar bench-throughput ../shared/datasets/wikiqa/WikiQA-dev.tsv.gz 4 3
 * </pre>
 * Arguments: dataset, HTTP clients (default 4), rounds (default 3). Not part of CI.
 *
 * <p>With {@code --encoders LOCATION,...} it compares encoders instead: path 1d (what Shears serves on a CPU)
 * for the published graph and for each model directory's graph as that directory is served with
 * {@code max-batch-size} 1, and 1a for the published graph as it is, interleaved the same way, each as a ratio
 * to the published graph as served within a round.
 * The models must use the published tokenizer. For pruned and quantized variants of bge-small.
 *
 * <p>With {@code --server-model LOCATION} the server of path 3 serves that model instead of the default, so path
 * 3 against path 4 is a pruned model over HTTP against LangChain4j's in-process published model on the same
 * sentences (paths 1, 2 and 4 stay on the published model).
 */
public final class ThroughputBench {

    /** Path 1d: what Shears serves on a CPU since its layer norms are fused; 1a is the published graph as it is. */
    private static final String FUSED = "1d raw ORT, layer norms fused, 1 seq/run";

    public record Work(List<String> queries, List<List<String>> passageInputs, List<Document> documents, int sentences) {}

    /** One timed pass over all the work: wall seconds and per-request latencies (empty when not per request). */
    record Pass(double seconds, List<Double> latenciesMs) {}

    /** One of the compared ways to do the work. */
    interface Contender {
        Pass run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        CommandLine cli = new CommandLine(args, List.of("encoders", "server-model"));
        List<WikiQa.Question> questions = WikiQa.read(Path.of(cli.positional.get(0)));
        int clients = cli.positional.size() > 1 ? Integer.parseInt(cli.positional.get(1)) : 4;
        int rounds = cli.positional.size() > 2 ? Integer.parseInt(cli.positional.get(2)) : 3;
        Work work = work(questions);
        if (cli.get("encoders", null) != null) {
            compareEncoders(work, List.of(cli.get("encoders", null).split(",")), rounds);
            return;
        }
        int sequences = work.queries().size() + work.sentences();
        System.out.printf(Locale.ROOT, "%d questions, %d passage sentences, %d sequences per pass; %d interleaved rounds, medians%n",
                questions.size(), work.sentences(), sequences, rounds);

        RuntimeOptions twoThreads = RuntimeOptions.cpu(2);
        try (EncoderModel encoder = OfflineModels.encoder(OfflineModels.DEFAULT_MODEL);
                OrtSession single = OnnxSessions.open(modelBytes(), RuntimeOptions.cpu(1), "bench-single");
                OrtSession published = OnnxSessions.open(modelBytes(), twoThreads, "bench-published");
                OrtSession perToken = OnnxSessions.open(RowwiseQuantization.rewrite(modelBytes()), twoThreads, "bench-per-token");
                OrtSession fused = OnnxSessions.openEncoder(modelBytes(), RuntimeOptions.cpu(1), "bench-fused").model();
                Server server = Server.start(work, cli.get("server-model", null))) {
            List<List<long[]>> sorted32 = sortedBatches(encoder, work, 32);
            List<List<long[]>> singles = sortedBatches(encoder, work, 1);
            long tokens = sorted32.stream().flatMap(List::stream).mapToLong(s -> s.length).sum();
            int cores = Runtime.getRuntime().availableProcessors();
            ContextPruner pruner = new ContextPruner(new DefaultSentenceSplitter(),
                    dev.shears.onnx.encoder.BiEncoderRelevanceModel.fromManifest(encoder, null));
            BgeSmallEnV15QuantizedEmbeddingModel lc4j = new BgeSmallEnV15QuantizedEmbeddingModel();
            List<TextSegment> segments = new ArrayList<>();
            work.queries().forEach(q -> segments.add(TextSegment.from(q)));
            work.passageInputs().forEach(p -> p.forEach(s -> segments.add(TextSegment.from(s))));

            Map<String, Contender> paths = new LinkedHashMap<>();
            paths.put("1a raw ORT, published, 1 seq/run, " + cores + " threads", () -> runRaw(single, singles, cores));
            paths.put("1b raw ORT, published, sorted batches of 32", () -> runRaw(published, sorted32, 1));
            paths.put("1c raw ORT, per-token rewrite, sorted 32", () -> runRaw(perToken, sorted32, 1));
            paths.put(FUSED, () -> runRaw(fused, singles, cores));
            paths.put("2  Shears in-process (pruner API)", () -> timed(() -> {
                List<Double> lat = new ArrayList<>();
                for (int i = 0; i < work.documents().size(); i++) {
                    long t = System.nanoTime();
                    pruner.prune(work.queries().get(i), List.of(work.documents().get(i)), PruningOptions.defaults());
                    lat.add((System.nanoTime() - t) / 1e6);
                }
                return lat;
            }));
            paths.put("3  Shears over HTTP, " + clients + " clients", () -> timed(() -> server.pass(clients)));
            paths.put("4  LangChain4j in-process embedAll", () -> timed(() -> {
                lc4j.embedAll(segments);
                return List.of();
            }));

            Map<String, List<Pass>> passes = new LinkedHashMap<>();
            for (int round = -1; round < rounds; round++) { // round -1 warms every path up
                for (Map.Entry<String, Contender> path : paths.entrySet()) {
                    Pass pass = path.getValue().run();
                    if (round >= 0) {
                        passes.computeIfAbsent(path.getKey(), k -> new ArrayList<>()).add(pass);
                    }
                }
            }
            print(passes, work.sentences(), sequences, tokens, server.peakRssKb());
        }
    }

    /** Path 1a for the published graph and for each model location, interleaved; ratios to the published. */
    static void compareEncoders(Work work, List<String> locations, int rounds) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String unfused = "published int8 (" + OfflineModels.DEFAULT_MODEL + "), graph as published";
        String published = "published int8 (" + OfflineModels.DEFAULT_MODEL + "), as served";
        Map<String, OrtSession> sessions = new LinkedHashMap<>();
        List<List<long[]>> singles;
        try (EncoderModel encoder = OfflineModels.encoder(OfflineModels.DEFAULT_MODEL)) {
            singles = sortedBatches(encoder, work, 1);
            String tokenizer = encoder.manifest().file(ModelManifest.TOKENIZER).sha256();
            sessions.put(unfused, OnnxSessions.open(modelBytes(), RuntimeOptions.cpu(1), "bench-published"));
            sessions.put(published, OnnxSessions.openEncoder(modelBytes(), RuntimeOptions.cpu(1), "bench-served").model());
            for (String location : locations) {
                ModelLocation loc = ModelLocation.parse(location);
                ModelManifest m = loc.manifest();
                if (!tokenizer.equals(m.file(ModelManifest.TOKENIZER).sha256())) {
                    throw new IllegalArgumentException(location + " does not use the published tokenizer");
                }
                sessions.put(m.id() + " (" + location + ")",
                        OnnxSessions.openEncoder(loc.readVerified(m, ModelManifest.MODEL), RuntimeOptions.cpu(1), "bench-" + m.id()).model());
            }
        }
        long tokens = singles.stream().flatMap(List::stream).mapToLong(a -> a.length).sum();
        System.out.printf(Locale.ROOT, "path 1d (one sequence per run, %d threads on a single-threaded session, layer norms fused"
                + " as served; 1a for the graph as published) per encoder%n", cores);
        Map<String, List<Pass>> passes = new LinkedHashMap<>();
        try {
            for (int round = -1; round < rounds; round++) { // round -1 warms every session up
                for (Map.Entry<String, OrtSession> e : sessions.entrySet()) {
                    Pass pass = runRaw(e.getValue(), singles, cores);
                    if (round >= 0) {
                        passes.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(pass);
                    }
                }
            }
        } finally {
            for (OrtSession session : sessions.values()) {
                session.close();
            }
        }
        int sequences = singles.size();
        System.out.printf(Locale.ROOT, "%n%-90s %10s %11s %9s %s%n", "encoder", "seq/s", "tokens/s", "ratio", "seq/s per round");
        for (String name : passes.keySet()) {
            double seconds = median(passes.get(name).stream().mapToDouble(Pass::seconds).toArray());
            System.out.printf(Locale.ROOT, "%-90s %10.1f %11.0f %9.2f %s%n", name, sequences / seconds, tokens / seconds,
                    ratio(passes, name, published), passes.get(name).stream()
                            .map(p -> String.format(Locale.ROOT, "%.1f", sequences / p.seconds())).toList());
        }
        System.out.printf(Locale.ROOT, "(%d sequences, %d tokens per pass; ratio = median over %d rounds of the within-round"
                + " throughput ratio to the published graph as served)%n", sequences, tokens, rounds);
    }

    /** Times {@code work} as one pass. */
    static Pass timed(java.util.concurrent.Callable<List<Double>> work) throws Exception {
        long started = System.nanoTime();
        List<Double> latencies = work.call();
        return new Pass((System.nanoTime() - started) / 1e9, latencies);
    }

    /** Every question, and every passage sentence as the pruner embeds it ("title. sentence"). */
    public static Work work(List<WikiQa.Question> questions) {
        DefaultSentenceSplitter splitter = new DefaultSentenceSplitter();
        List<String> queries = new ArrayList<>();
        List<List<String>> inputs = new ArrayList<>();
        List<Document> documents = new ArrayList<>();
        int sentences = 0;
        for (WikiQa.Question q : questions) {
            String text = q.passage();
            List<String> passage = new ArrayList<>();
            for (TextSpan span : splitter.split(text)) {
                passage.add(q.title().strip() + ". " + span.content(text));
            }
            queries.add(q.question());
            inputs.add(passage);
            documents.add(new Document(q.id(), q.title(), text));
            sentences += passage.size();
        }
        return new Work(queries, inputs, documents, sentences);
    }

    static byte[] modelBytes() throws Exception {
        try (InputStream in = ThroughputBench.class.getClassLoader().getResourceAsStream("bge-small-en-v1.5-q.onnx")) {
            return in.readAllBytes();
        }
    }

    static long[] ids(EncoderModel encoder, String text) {
        return encoder.withSpecialTokens(encoder.tokenizer().encode(text, false).ids());
    }

    static List<List<long[]>> sortedBatches(EncoderModel encoder, Work work, int size) {
        List<long[]> all = new ArrayList<>();
        work.queries().forEach(q -> all.add(ids(encoder, q)));
        work.passageInputs().forEach(p -> p.forEach(s -> all.add(ids(encoder, s))));
        all.sort(Comparator.comparingInt(a -> a.length));
        List<List<long[]>> batches = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            batches.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return batches;
    }

    /** Pre-builds every batch's tensors, then times only {@code session.run}, on {@code threads} threads at once. */
    static Pass runRaw(OrtSession session, List<List<long[]>> batches, int threads) throws Exception {
        OrtEnvironment env = OnnxSessions.environment();
        List<Map<String, OnnxTensor>> inputs = new ArrayList<>();
        try {
            for (List<long[]> batch : batches) {
                int len = batch.stream().mapToInt(a -> a.length).max().orElse(0);
                long[] shape = {batch.size(), len};
                LongBuffer ids = direct(batch.size() * len);
                LongBuffer mask = direct(batch.size() * len);
                for (long[] seq : batch) {
                    for (int t = 0; t < len; t++) {
                        ids.put(t < seq.length ? seq[t] : 0);
                        mask.put(t < seq.length ? 1 : 0);
                    }
                }
                ids.rewind();
                mask.rewind();
                inputs.add(Map.of("input_ids", OnnxTensor.createTensor(env, ids, shape),
                        "attention_mask", OnnxTensor.createTensor(env, mask, shape),
                        "token_type_ids", OnnxTensor.createTensor(env, direct(batch.size() * len), shape)));
            }
            AtomicInteger next = new AtomicInteger();
            Runnable worker = () -> {
                for (int i = next.getAndIncrement(); i < inputs.size(); i = next.getAndIncrement()) {
                    try (OrtSession.Result r = session.run(inputs.get(i))) {
                        r.get(0);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            long started = System.nanoTime();
            onThreads(threads, worker);
            return new Pass((System.nanoTime() - started) / 1e9, List.of());
        } finally {
            inputs.forEach(m -> m.values().forEach(OnnxTensor::close));
        }
    }

    /** Runs {@code worker} on {@code threads} threads at once and waits for all of them. */
    static void onThreads(int threads, Runnable worker) throws InterruptedException {
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(worker);
            thread.start();
            started.add(thread);
        }
        for (Thread thread : started) {
            thread.join();
        }
    }

    static LongBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** The packaged service in its own process (cache off), and the request bodies for one pass. */
    record Server(ShearsProcess process, HttpClient client, String base, List<String> bodies) implements AutoCloseable {

        /** {@code model}: a model location for the server ({@code shears.model.location}), or null for the default. */
        static Server start(Work work, String model) throws Exception {
            Map<String, String> properties = new java.util.HashMap<>(Map.of("shears.cache.max-bytes", "0",
                    "shears.limits.max-concurrent-requests", "1024"));
            if (model != null) {
                properties.put("shears.model.location", model);
            }
            ShearsProcess process = ShearsProcess.start(ShearsProcess.defaultJar(), properties);
            ObjectMapper json = new ObjectMapper();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < work.documents().size(); i++) {
                Document d = work.documents().get(i);
                bodies.add(json.writeValueAsString(Map.of("query", work.queries().get(i), "return_sentences", false,
                        "documents", List.of(Map.of("title", d.title(), "text", d.text())))));
            }
            return new Server(process, process.http(), process.uri("").toString(), bodies);
        }

        /** Every body once, from {@code clients} concurrent clients; latency per request. */
        List<Double> pass(int clients) throws Exception {
            ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
            AtomicInteger next = new AtomicInteger();
            AtomicLong failures = new AtomicLong();
            Runnable worker = () -> {
                for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                    long t = System.nanoTime();
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/context/prune"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    latencies.add((System.nanoTime() - t) / 1e6);
                }
            };
            onThreads(clients, worker);
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " HTTP requests failed");
            }
            return new ArrayList<>(latencies);
        }

        long peakRssKb() {
            return ThroughputBench.peakRssKb(process.pid());
        }

        @Override
        public void close() {
            process.close();
        }
    }

    static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception ignored) {
            // not on Linux: no peak memory figure
        }
        return -1;
    }

    static void print(Map<String, List<Pass>> passes, int sentences, int sequences, long tokens, long serverPeakKb) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-42s %10s %11s %9s %9s%n", "path", "sent/s", "tokens/s", "p50 ms", "p99 ms");
        List<String> names = new ArrayList<>(passes.keySet());
        for (String name : names) {
            double seconds = median(passes.get(name).stream().mapToDouble(Pass::seconds).toArray());
            double[] lat = passes.get(name).stream().flatMap(p -> p.latenciesMs().stream()).mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-42s %10.1f %11.0f %9s %9s%n", name, sentences / seconds, tokens / seconds,
                    lat.length > 1 ? String.format(Locale.ROOT, "%.1f", pct(lat, 50)) : "-",
                    lat.length > 1 ? String.format(Locale.ROOT, "%.1f", pct(lat, 99)) : "-");
        }
        System.out.printf(Locale.ROOT, "peak RSS: server %d MB, this process (paths 1, 2, 4) %d MB%n", serverPeakKb / 1024,
                peakRssKb(ProcessHandle.current().pid()) / 1024);
        // ratio of throughputs = inverse ratio of seconds, per round
        String served = names.get(0);
        String batched = names.get(1);
        String inProcess = names.get(4);
        String overHttp = names.get(5);
        String lc4j = names.get(6);
        System.out.printf(Locale.ROOT, "%nratios (median over rounds of the ratio within a round): 2/1a %.2f  3/1a %.2f  3/4 %.2f"
                        + "  |  3/1d %.2f  1d/1a %.2f  3/1b %.2f  1a/4 %.2f  1d/4 %.2f  (tokens per pass %d, sequences %d)%n",
                ratio(passes, inProcess, served), ratio(passes, overHttp, served), ratio(passes, overHttp, lc4j),
                ratio(passes, overHttp, FUSED), ratio(passes, FUSED, served), ratio(passes, overHttp, batched),
                ratio(passes, served, lc4j), ratio(passes, FUSED, lc4j), tokens, sequences);
        for (String name : List.of(overHttp, served, FUSED, lc4j)) {
            System.out.printf(Locale.ROOT, "  %s per round, sent/s:%s%n", name.substring(0, 2).strip(), passes.get(name).stream()
                    .map(p -> String.format(Locale.ROOT, " %.1f", sentences / p.seconds())).reduce("", String::concat));
        }
    }

    /** Median over rounds of (throughput of {@code a}) / (throughput of {@code b}) within the same round. */
    static double ratio(Map<String, List<Pass>> passes, String a, String b) {
        List<Pass> as = passes.get(a);
        List<Pass> bs = passes.get(b);
        double[] r = new double[as.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = bs.get(i).seconds() / as.get(i).seconds();
        }
        return median(r);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double pct(double[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1))];
    }

    private ThroughputBench() {}
}
