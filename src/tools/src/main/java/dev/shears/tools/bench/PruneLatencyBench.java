package dev.shears.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.eval.WikiQa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Latency of one context-prune request of N WikiQA passages against a running Shears, sequentially (no
 * concurrency), after warm-up requests that let the JIT compile the request path (a server in service has
 * long been warm). Measured requests carry passages not sent before in the measured part; start the server
 * with the cache off so that no request hits it. Prints client-side p50/p90/p99, the server's own per-stage medians
 * from the timing headers, and the added latency per request: what is left of the client's and of the
 * server's total once queue wait and inference are taken out.
 *
 * <pre>
 * java -Dshears.cache.max-bytes=0 -jar src/server/target/quarkus-app/quarkus-run.jar &amp;
 * java -jar src/tools/target/shears-tools.jar bench-latency http://localhost:8080 ../shared/datasets/wikiqa/WikiQA-train.tsv.gz 10 100
 * </pre>
 */
public final class PruneLatencyBench {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: PruneLatencyBench <base-url> <wikiqa.tsv.gz> [passages=10] [requests=100] [warmup=150]");
            System.exit(2);
        }
        String url = args[0].replaceAll("/+$", "") + "/v1/context/prune";
        List<WikiQa.Question> questions = WikiQa.read(Path.of(args[1]));
        int passages = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int requests = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 150;
        if (requests * passages > questions.size()) {
            throw new IllegalArgumentException("need " + requests * passages + " distinct passages, file has " + questions.size());
        }
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        double[] total = new double[requests];
        Map<String, double[]> stages = new LinkedHashMap<>();
        int chars = 0;
        for (int r = 0; r < warmup + requests; r++) {
            // measured requests take the first passages of the file; warm-up ones the rest, wrapping around
            int first = ((r < warmup ? requests + r : r - warmup) * passages) % questions.size();
            List<Map<String, Object>> docs = new ArrayList<>();
            for (int p = 0; p < passages; p++) {
                WikiQa.Question q = questions.get((first + p) % questions.size());
                docs.add(Map.of("id", q.id(), "title", q.title(), "text", q.passage()));
            }
            String body = json.writeValueAsString(Map.of("query", questions.get(first).question(), "documents", docs,
                    "return_sentences", false));
            long started = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            double ms = (System.nanoTime() - started) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
            }
            if (r < warmup) {
                continue;
            }
            int i = r - warmup;
            total[i] = ms;
            chars += json.readTree(response.body()).path("totals").path("chars_before").asInt();
            for (var header : response.headers().map().entrySet()) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (name.startsWith("x-") && name.endsWith("-time")) {
                    stages.computeIfAbsent(name, k -> new double[requests])[i] = Double.parseDouble(header.getValue().get(0));
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d requests x %d passages (%.0f chars per request), sequential%n", requests, passages,
                (double) chars / requests);
        System.out.printf(Locale.ROOT, "client latency ms: p50 %.1f  p90 %.1f  p99 %.1f%n", pct(total, 50), pct(total, 90), pct(total, 99));
        stages.forEach((name, values) -> System.out.printf(Locale.ROOT, "server %-22s p50 %.2f ms%n", name, pct(values, 50)));
        double[] queue = stages.getOrDefault("x-queue-time", new double[requests]);
        double[] inference = stages.getOrDefault("x-inference-time", new double[requests]);
        report("added latency, client (total - queue - inference)", minus(total, queue, inference));
        report("added latency, server (x-total-time - queue - inference)",
                minus(stages.getOrDefault("x-total-time", new double[requests]), queue, inference));
    }

    /** Per request: {@code from[i]} less every {@code parts[k][i]}. */
    static double[] minus(double[] from, double[]... parts) {
        double[] out = from.clone();
        for (double[] part : parts) {
            for (int i = 0; i < out.length; i++) {
                out[i] -= part[i];
            }
        }
        return out;
    }

    static void report(String what, double[] ms) {
        System.out.printf(Locale.ROOT, "%s ms: p50 %.2f  p90 %.2f%n", what, pct(ms, 50), pct(ms, 90));
    }

    static double pct(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
