package dev.shears.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.testing.TestModels;
import dev.shears.tools.ShearsProcess;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A prompt-search job on the packaged server (own process, project-built decoder, H2 in a temp data dir): the
 * process is killed (SIGKILL) mid-run, restarted on the same data dir, and the job resumes from its last
 * checkpoint and ends with exactly the result an uninterrupted run with the same seed gives.
 */
class PromptJobIT {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String JOB = """
            {"instruction": "Say whether the review is positive.",
             "demonstrations": [{"input": "a good movie: ", "label": 1}, {"input": "a bad plot: ", "label": 0},
                                {"input": "great cast: ", "label": 1}],
             "label_words": ["no", "yes"],
             "fitness_examples": [{"input": "fun: ", "label": 1}, {"input": "dull: ", "label": 0},
                                  {"input": "lovely: ", "label": 1}, {"input": "awful: ", "label": 0}],
             "held_out_examples": [{"input": "nice: ", "label": 1}, {"input": "sad: ", "label": 0}],
             "budget": {"max_evaluations": 500}, "population_size": 8, "offspring": 10, "min_mean_length": 0,
             "seed": 2024}
            """;

    @Test
    void aJobKilledMidRunResumesAndEndsAsAnUninterruptedRun() throws Exception {
        Path decoder = TestModels.longContext();
        JsonNode uninterrupted;
        Path clean = Files.createTempDirectory("shears-jobs-clean");
        try (ShearsProcess server = start(decoder, clean)) {
            String id = submit(server);
            uninterrupted = awaitDone(server, id);
        }

        Path data = Files.createTempDirectory("shears-jobs-killed");
        ShearsProcess first = start(decoder, data);
        String id;
        try {
            id = submit(first);
            JsonNode job = get(first, id);
            while (job.path("generation").asInt() < 2) {
                assertFalse(job.path("state").asText().equals("succeeded"), "finished before it could be killed");
                Thread.sleep(20);
                job = get(first, id);
            }
            ProcessHandle.of(first.pid()).ifPresent(ProcessHandle::destroyForcibly);
        } finally {
            first.close();
        }
        try (ShearsProcess second = start(decoder, data)) {
            JsonNode resumed = awaitDone(second, id);
            assertTrue(Files.readString(second.log()).contains("resumes after generation"), "log should say it resumed");
            assertEquals(uninterrupted.path("result"), resumed.path("result"));
            assertEquals(uninterrupted.path("best_prompt"), resumed.path("best_prompt"));
        }
    }

    private static ShearsProcess start(Path decoder, Path data) throws Exception {
        return ShearsProcess.start(ShearsProcess.defaultJar(), Map.of("shears.lm.location", decoder.toString(),
                "shears.jobs.data-dir", data.toString()));
    }

    static String submit(ShearsProcess server) throws Exception {
        HttpResponse<String> r = server.http().send(HttpRequest.newBuilder(server.uri("/v1/prompt/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JOB)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Location").orElse("").contains("/v1/prompt/jobs/"));
        return JSON.readTree(r.body()).path("id").asText();
    }

    static JsonNode get(ShearsProcess server, String id) throws Exception {
        HttpResponse<String> r = server.http().send(HttpRequest.newBuilder(server.uri("/v1/prompt/jobs/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static JsonNode awaitDone(ShearsProcess server, String id) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode job = get(server, id);
            String state = job.path("state").asText();
            if (!state.equals("queued") && !state.equals("running")) {
                assertEquals("succeeded", state, job.toString());
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not finish within 300 s");
    }
}
