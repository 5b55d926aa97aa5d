package dev.shears.gateway;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A scripted OpenAI-compatible server on loopback (a real HTTP server, its own threads): replies are queued by the
 * test and played in order; a reply may be a server-sent-event stream whose later chunks wait for the test to
 * {@link #release()} them, so a test can see a chunk relayed before the upstream has finished. Records each request's
 * path, {@code Authorization} header and body, and whether the gateway hung up on a stream.
 */
public final class ScriptedUpstream implements QuarkusTestResourceLifecycleManager {

    public record Reply(int status, String contentType, List<String> chunks, long delayMillis) {
        static Reply json(int status, String body) {
            return new Reply(status, "application/json", List.of(body), 0);
        }

        static Reply sse(String... events) {
            return new Reply(200, "text/event-stream", List.of(events), 0);
        }
    }

    public record Request(String path, String authorization, String body) {}

    static final ConcurrentLinkedDeque<Reply> SCRIPT = new ConcurrentLinkedDeque<>();
    static final List<Request> REQUESTS = new CopyOnWriteArrayList<>();
    static volatile CountDownLatch release = new CountDownLatch(0);
    static volatile CountDownLatch hungUp = new CountDownLatch(1);
    private HttpServer server;
    private Map<String, String> overrides = Map.of();

    /** Settings given by a test profile's resource entry replace the defaults {@link #start()} returns. */
    @Override
    public void init(Map<String, String> initArgs) {
        overrides = Map.copyOf(initArgs);
    }

    static void reset() {
        SCRIPT.clear();
        REQUESTS.clear();
        release = new CountDownLatch(0);
        hungUp = new CountDownLatch(1);
    }

    /** Later chunks of the next streams wait until {@link #release()}. */
    static void hold() {
        release = new CountDownLatch(1);
    }

    static void release() {
        release.countDown();
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            REQUESTS.add(new Request(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            Reply r = SCRIPT.isEmpty() ? Reply.json(599, "{\"error\":\"script exhausted\"}") : SCRIPT.poll();
            try (OutputStream out = exchange.getResponseBody()) {
                Thread.sleep(r.delayMillis());
                exchange.getResponseHeaders().add("Content-Type", r.contentType());
                exchange.getResponseHeaders().add("x-upstream", "scripted");
                if (r.chunks().size() == 1) {
                    byte[] bytes = r.chunks().get(0).getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(r.status(), bytes.length);
                    out.write(bytes);
                    return;
                }
                exchange.sendResponseHeaders(r.status(), 0);
                for (int i = 0; i < r.chunks().size(); i++) {
                    if (i == 1) {
                        release.await();
                    }
                    out.write(r.chunks().get(i).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                hungUp.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "shears.gateway.upstream.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                "shears.gateway.upstream.retry-delay", "10ms",
                "shears.gateway.upstream.read-timeout", "3s",
                "shears.gateway.upstream.circuit-breaker.request-volume", "1000"));
        config.putAll(overrides);
        return config;
    }

    @Override
    public void stop() {
        server.stop(0);
    }
}
