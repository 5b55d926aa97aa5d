package dev.shears.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.eval.WikiQa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory under sustained load: N clients send one-passage prune requests to a running Shears (start it with
 * {@code -Dshears.cache.max-bytes=0} so every request runs inference) for the given minutes, while the
 * server's resident memory is sampled every 30 s. Flat RSS after warm-up means no native tensor leaks.
 *
 * <pre>
 * java -Dshears.cache.max-bytes=0 -jar src/server/target/quarkus-app/quarkus-run.jar &amp;
 * java -jar src/tools/target/shears-tools.jar bench-soak http://localhost:8080 $(pgrep -f quarkus-run.jar) \
 *     ../shared/datasets/wikiqa/WikiQA-train.tsv.gz 10 4
 * </pre>
 */
public final class SoakBench {

    public static void main(String[] args) throws Exception {
        String url = args[0].replaceAll("/+$", "") + "/v1/context/prune";
        long pid = Long.parseLong(args[1]);
        List<WikiQa.Question> questions = WikiQa.read(Path.of(args[2]));
        Duration length = Duration.ofMinutes(Long.parseLong(args[3]));
        int clients = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + length.toNanos();
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    WikiQa.Question q = questions.get(Math.floorMod(next.getAndIncrement(), questions.size()));
                    try {
                        String body = json.writeValueAsString(Map.of("query", q.question(), "return_sentences", false,
                                "documents", List.of(Map.of("title", q.title(), "text", q.passage()))));
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                    } catch (Exception e) {
                        statuses.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet();
                    }
                    done.incrementAndGet();
                }
            });
            t.start();
            threads.add(t);
        }
        long started = System.nanoTime();
        System.out.println("minute  requests  rss_mb  hwm_mb");
        while (System.nanoTime() < deadline) {
            Thread.sleep(30_000);
            System.out.printf(Locale.ROOT, "%6.1f  %8d  %6d  %6d%n", (System.nanoTime() - started) / 6e10, done.get(),
                    status(pid, "VmRSS:") / 1024, status(pid, "VmHWM:") / 1024);
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("statuses: " + statuses);
    }

    static long status(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private SoakBench() {}
}
