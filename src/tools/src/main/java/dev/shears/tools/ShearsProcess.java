package dev.shears.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged Shears server ({@code src/server/target/quarkus-app/quarkus-run.jar}) started as its own process on
 * a free loopback port, ready once {@code /q/health/ready} answers 200. Used by the benchmarks and by
 * {@code integration-tests/}.
 */
public final class ShearsProcess implements AutoCloseable {

    /** Where {@code mvn package} leaves the server; {@code -Dshears.jar=...} points elsewhere. */
    public static Path defaultJar() {
        return Path.of(System.getProperty("shears.jar", "src/server/target/quarkus-app/quarkus-run.jar"));
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final int port;
    private final Path log;
    // HTTP/1.1, as most RAG clients speak it (the JDK client would otherwise try h2c)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ShearsProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code jar} with these system properties (besides the port) and waits until it is ready. Unless they set
     * {@code shears.jobs.data-dir}, the process gets a fresh one of its own: processes sharing the working directory's
     * default would lock each other out of the embedded jobs database.
     */
    public static ShearsProcess start(Path jar, Map<String, String> properties) throws IOException, InterruptedException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no " + jar.toAbsolutePath() + "; build it first: mvn -B package -DskipTests");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        if (!properties.containsKey("shears.jobs.data-dir")) {
            command.add("-Dshears.jobs.data-dir=" + Files.createTempDirectory("shears-jobs"));
        }
        command.addAll(List.of("-jar", jar.toString()));
        Path log = Files.createTempFile("shears-server", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ShearsProcess server = new ShearsProcess(p, port, log);
        server.awaitReady();
        return server;
    }

    private void awaitReady() throws InterruptedException {
        URI ready = uri("/q/health/ready");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
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
        throw new IllegalStateException("Shears was not ready within " + START_TIMEOUT.toSeconds() + " s; see " + log);
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public long pid() {
        return process.pid();
    }

    /** The server's console output. */
    public Path log() {
        return log;
    }

    public HttpClient http() {
        return http;
    }

    /** POSTs a JSON body; the parsed answer, or an exception naming the status and body unless it is 200. */
    public JsonNode post(String path, Object body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + " from " + path + ": " + r.body());
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
