package dev.shears.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A Shears child process serving one local model, and the two benchmark calls against it. */
final class ShearsProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final URI completions;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ShearsProcess(Process process, int port) {
        this.process = process;
        this.completions = URI.create("http://127.0.0.1:" + port + "/local/v1/completions");
    }

    /** Starts Shears on a free port with {@code model} as its local LM; null (with a note) when there is no jar. */
    static ShearsProcess start(Path model, int threads) throws IOException, InterruptedException {
        if (!Files.exists(JAR)) {
            System.err.println("no " + JAR + ": HTTP rows skipped (build it with: mvn -q package -DskipTests)");
            return null;
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("shears-bench", ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dshears.lm.location=" + model.toAbsolutePath(),
                "-Dshears.lm.intra-op-threads=" + threads, "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ShearsProcess server = new ShearsProcess(p, port);
        server.awaitReady(port, log);
        return server;
    }

    private void awaitReady(int port, Path log) throws InterruptedException {
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Shears exited during start-up; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        close();
        throw new IllegalStateException("Shears was not ready within 120 s; see " + log);
    }

    /** Echo scoring of {@code texts} in one request; returns the prompt tokens the server counted. */
    int scoredTokens(List<String> texts) {
        ObjectNode body = JSON.createObjectNode();
        texts.forEach(body.putArray("prompt")::add);
        body.put("echo", true).put("max_tokens", 0).put("logprobs", 1);
        return post(body).path("usage").path("prompt_tokens").asInt();
    }

    /** Greedy generation; returns the completion tokens the server counted. */
    int generatedTokens(String prompt, int maxTokens) {
        ObjectNode body = JSON.createObjectNode().put("prompt", prompt).put("max_tokens", maxTokens)
                .put("temperature", 0).put("logprobs", 1);
        return post(body).path("usage").path("completion_tokens").asInt();
    }

    private JsonNode post(ObjectNode body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(completions)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
