package dev.shears.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Concurrent clients POSTing to one endpoint for a while, on loopback; what they got back. */
final class Hammer {

    /** Status counts (-1: no answer) and how long each 429 took. */
    record Outcome(Map<Integer, AtomicInteger> statuses, List<Double> rejectMillis) {

        /** Only 200s and 429s, both seen, every 429 with the error body and Retry-After, their median under 250 ms. */
        void assertOnlySuccessesAndFastRejections() {
            assertTrue(statuses.containsKey(200) && statuses.containsKey(429), "expected both successes and rejections: " + statuses);
            assertEquals(2, statuses.size(), "only 200 and 429 allowed: " + statuses);
            double[] sorted = rejectMillis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            assertTrue(sorted[sorted.length / 2] < 250, "429s must be fast; median " + sorted[sorted.length / 2] + " ms");
        }
    }

    private Hammer() {}

    static Outcome run(URI uri, IntFunction<String> body, int clients, Duration duration) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Double> rejectMillis = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> badRejections = new ConcurrentLinkedQueue<>();
        AtomicInteger counter = new AtomicInteger();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    int i = counter.incrementAndGet();
                    long started = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.apply(i))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        if (r.statusCode() == 429) {
                            rejectMillis.add((System.nanoTime() - started) / 1e6);
                            if (!r.body().contains("\"error_type\":\"overloaded\"") || r.headers().firstValue("Retry-After").isEmpty()) {
                                badRejections.add(r.body());
                            }
                        }
                    } catch (Exception e) {
                        statuses.computeIfAbsent(-1, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), List.copyOf(badRejections), "every 429 carries the error body and Retry-After");
        return new Outcome(statuses, List.copyOf(rejectMillis));
    }
}
