package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/reasoning/prune} over real HTTP with the embedded trigram scorer. */
public abstract class ReasoningPruneContract {

    static final String PATH = "/v1/reasoning/prune";
    static final String QUESTION = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May."
            + " How many clips did Natalia sell altogether in April and May?";
    static final String CHAIN = "In April she sold 48 clips.\nIn May she sold half as many, so 48 / 2 = 24 clips.\n"
            + "Let me check that again: half of 48 is 24.\nAltogether she sold 48 + 24 = 72 clips.\nThe answer is 72.";

    /** The embedded scorer loads in the background; readiness says when it is there. */
    @org.junit.jupiter.api.BeforeEach
    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (given().get("/q/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    static JsonPath prune(Object body) {
        return given().contentType(ContentType.JSON).body(body).post(PATH).then().statusCode(200)
                .header("x-total-time", org.hamcrest.Matchers.notNullValue()).extract().jsonPath();
    }

    @Test
    void prunes_a_real_chain_with_the_embedded_scorer() {
        JsonPath r = prune(Map.of("question", QUESTION, "reasoning", CHAIN, "keep_ratio", 0.7));
        assertEquals("cmusphinx-en-us-trigram", r.getString("scorer"));
        List<Map<String, Object>> steps = r.getList("steps");
        assertEquals(5, steps.size(), "one step per line: the chain has no blank line");
        StringBuilder kept = new StringBuilder();
        for (Map<String, Object> s : steps) {
            assertEquals(CHAIN.substring((Integer) s.get("start"), (Integer) s.get("end")), s.get("text"));
            assertTrue(((Number) s.get("surprisal")).doubleValue() > 0, "a real model finds every first word somewhat surprising");
            assertTrue((Integer) s.get("tokens") > 0);
            if ((Boolean) s.get("kept")) {
                kept.append(kept.length() == 0 ? "" : "\n").append(s.get("text"));
            }
        }
        assertEquals(kept.toString(), r.getString("pruned_reasoning"));
        assertTrue((Boolean) steps.get(4).get("kept") && (Boolean) steps.get(4).get("protected"), "the last step is the answer");
        assertTrue(r.getInt("tokens_after") <= r.getInt("budget"));
        assertEquals((int) Math.floor(0.7 * r.getInt("tokens_before")), r.getInt("budget"));
        assertEquals(r.getInt("tokens_before") - r.getInt("tokens_after"), r.getInt("tokens_saved"));
        assertEquals("skipped", r.getString("coarse.outcome"));
    }

    @Test
    void steps_answer_protection_and_a_token_budget() {
        List<String> steps = List.of(CHAIN.split("\n"));
        JsonPath r = prune(Map.of("question", QUESTION, "steps", steps.subList(0, 4), "answer", "72", "max_tokens", 0,
                "protect", List.of(1)));
        assertEquals(steps.get(1), r.getString("pruned_reasoning"), "only the protected step survives a zero budget");
        assertEquals("72", r.getString("answer"));
        assertEquals("surprisal", r.getString("steps[0].removed_by"));
    }

    @Test
    void an_anchor_runs_the_coarse_stage_before_the_fine_one() {
        JsonPath r = prune(Map.of("question", QUESTION, "reasoning", CHAIN, "keep_ratio", 1.0,
                "anchor", "She sold 48 clips in April and 48 / 2 = 24 in May, so 48 + 24 = 72 in all."));
        assertEquals("accepted", r.getString("coarse.outcome"));
        assertEquals("anchor-overlap", r.getString("coarse.method"));
        assertEquals("coarse", r.getString("steps[2].removed_by"), "the re-check says nothing the anchor needs");
    }

    @Test
    void client_log_probs_stand_in_for_a_model() {
        String chain = "Le café coûte 3€.\n\nPeut-être 4€.\n\nDonc 3€.";
        byte[] utf8 = chain.getBytes(StandardCharsets.UTF_8);
        List<Map<String, Object>> logprobs = new ArrayList<>();
        int peut = chain.substring(0, chain.indexOf("Peut")).getBytes(StandardCharsets.UTF_8).length;
        for (int i = 0; i < utf8.length; i += 3) {
            int end = Math.min(utf8.length, i + 3);
            List<Integer> bytes = new ArrayList<>();
            for (int k = i; k < end; k++) {
                bytes.add(utf8[k] & 0xFF);
            }
            double lp = i <= peut && peut < end ? -0.01 : -2.0;
            logprobs.add(Map.of("token", new String(utf8, i, end - i, StandardCharsets.UTF_8), "logprob", lp, "bytes", bytes,
                    "top_logprobs", List.of()));
        }
        JsonPath r = prune(Map.of("question", "Combien ?", "reasoning", chain, "keep_ratio", 0.7, "logprobs", logprobs));
        assertEquals("client", r.getString("scorer"));
        assertEquals("Le café coûte 3€.\n\nDonc 3€.", r.getString("pruned_reasoning"));
        String moved = given().contentType(ContentType.JSON)
                .body(Map.of("question", "Combien ?", "reasoning", chain.replace("coûte", "coute"), "logprobs", logprobs))
                .post(PATH).then().statusCode(400).extract().jsonPath().getString("error");
        assertTrue(moved.contains("diverge at character 10"), moved);
    }

    @Test
    void bad_requests_get_a_400_naming_the_field() {
        String[][] cases = {
                {"{\"reasoning\": \"a\"}", "'question' is required"},
                {"{\"question\": \"q\"}", "'reasoning' (a string) or 'steps'"},
                {"{\"question\": \"q\", \"reasoning\": \"a\", \"steps\": [\"b\"]}", "not both"},
                {"{\"question\": \"q\", \"reasoning\": \"a\", \"mode\": \"greedy\"}", "'mode' must be global or iterative"},
                {"{\"question\": \"q\", \"reasoning\": \"a\", \"keep_ratio\": 1.5}", "keep_ratio must be in (0, 1]"},
                {"{\"question\": \"q\", \"reasoning\": \"a\", \"keep_ratio\": 0.5, \"max_tokens\": 3}", "not both"},
                {"{\"question\": \"q\", \"reasoning\": \" \\n\\n \"}", "no steps"},
                {"{\"question\": \"q\", \"steps\": [\"a\", \"\"]}", "'steps[1]' is empty"},
                {"{\"question\": \"q\", \"reasoning\": \"a\\u0085b\"}", "U+0085"},
                {"{\"question\": \"q\", \"reasoning\": \"a\", \"protect\": [3]}", "protected step 3"},
                {"{\"question\": \"q\", \"reasoning\": \"ab\", \"mode\": \"iterative\", \"logprobs\": [{\"token\": \"ab\", \"logprob\": -1}]}", "iterative"},
                {"{\"question\": \"q\", \"reasoning\": \"ab\", \"logprobs\": [{\"token\": \"ab\", \"logprob\": 1}]}", "> 0"},
                {"{\"question\": \"q\", \"reasoning\": \"ab\", \"logprobs\": [{\"token\": \"ab\", \"logprob\": -1, \"bytes\": [300]}]}", "0 to 255"},
                {"{\"question\": \"q\", \"reasoning\": \"" + "x\\n".repeat(2001) + "\"}", "shears.reasoning.max-steps"},
                {"{\"question\": \"q\", \"reasoning\": \"" + "x".repeat(100_001) + "\"}", "shears.reasoning.max-chars"},
        };
        for (String[] c : cases) {
            String error = given().contentType(ContentType.JSON).body(c[0]).post(PATH).then().statusCode(400)
                    .extract().jsonPath().getString("error");
            assertTrue(error.contains(c[1]), () -> c[0].substring(0, Math.min(80, c[0].length())) + " -> " + error);
        }
    }
}
