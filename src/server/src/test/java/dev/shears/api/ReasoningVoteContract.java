package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/reasoning/vote} over real HTTP, with the embedded trigram as scorer. */
public abstract class ReasoningVoteContract {

    static final String PATH = "/v1/reasoning/vote";
    static final String QUESTION = "Janet's ducks lay 16 eggs per day. She eats three for breakfast and bakes muffins with four."
            + " She sells the remainder at $2 per egg. How much does she make every day?";

    @BeforeEach
    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (given().get("/q/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    static JsonPath vote(Object body) {
        return given().contentType(ContentType.JSON).body(body).post(PATH).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void client_probabilities_vote_by_perplexity_consistency_with_distinct_paths_counted_once() {
        String right = "She sells 16 - 3 - 4 = 9 eggs and makes 9 * 2 = $18.\nA: 18";
        JsonPath r = vote(Map.of("question", QUESTION, "paths", List.of(
                Map.of("text", right, "mean_logprob", Math.log(0.5)),
                Map.of("text", right, "mean_logprob", Math.log(0.5)),
                Map.of("text", "She makes 13 * 2 = $26.\nA: 26", "mean_logprob", Math.log(0.3)),
                Map.of("text", "She makes 2 * 13 = 26 dollars.\nA: 26 dollars", "mean_logprob", Math.log(0.3)))));
        // two identical completions count once: PC(18) = 0.5, PC(26) = 0.3 + 0.3; self-consistency ties 2-2
        assertEquals("26", r.getString("answer"));
        assertEquals(0.6 / 1.1, r.getDouble("confidence"), 1e-6);
        assertEquals(List.of(2, 3), r.getList("answers[0].paths"));
        assertEquals(2, r.getInt("answers[1].votes"));
        assertEquals(0.5, r.getDouble("self_consistency.confidence"), 1e-9);
        assertEquals("18", r.getString("perplexity.answer"));
        assertEquals("client", r.getString("scorer"));
    }

    @Test
    void token_log_probs_and_the_embedded_scorer_give_path_probabilities() {
        JsonPath r = vote(Map.of("question", QUESTION, "paths", List.of(
                Map.of("text", "She sells nine eggs for two dollars each, so she makes eighteen dollars.\nA: 18"),
                Map.of("text", "Sixteen minus three minus four is nine, times two is $18.\nA: $18"),
                Map.of("text", "She has thirteen eggs to sell.\nA: 26",
                        "logprobs", List.of(Map.of("token", "She", "logprob", -40.0), Map.of("token", " has", "logprob", -30.0))))));
        // the trigram gives the first two paths mean log-probs near -8; the third's own tokens average -35
        assertEquals("18", r.getString("answer"), "'18' and '$18' are one answer");
        assertEquals("mixed", r.getString("scorer"));
        assertEquals(List.of(0, 1), r.getList("answers[0].paths"));
        assertEquals(2, r.getInt("answers[0].votes"));
        double sum = r.<Float>getList("answers.probability").stream().mapToDouble(Float::doubleValue).sum();
        assertEquals(1.0, sum, 1e-5);
    }

    @Test
    void the_extractor_can_be_named_or_a_regular_expression() {
        List<Map<String, Object>> paths = List.of(Map.of("text", "so the result is 7 apples, final: 7", "mean_logprob", -0.5),
                Map.of("text", "maybe 9 apples... final: 7", "mean_logprob", -0.7));
        assertEquals("7", vote(Map.of("question", "How many?", "paths", paths, "answer_regex", "final: (\\d+)")).getString("answer"));
        assertEquals("7", vote(Map.of("question", "How many?", "paths", paths, "extractor", "last-number")).getString("answer"));
    }

    @Test
    void bad_requests_get_a_400_naming_the_field() {
        String[][] cases = {
                {"{\"paths\": [{\"text\": \"A: 1\"}]}", "'question' is required"},
                {"{\"question\": \"q\"}", "'paths'"},
                {"{\"question\": \"q\", \"paths\": [{\"text\": \"A: 1\"}], \"n\": 3}", "one of them"},
                {"{\"question\": \"q\", \"paths\": []}", "shears.reasoning.max-paths"},
                {"{\"question\": \"q\", \"n\": 0}", "'n' must be 1 to"},
                {"{\"question\": \"q\", \"paths\": [{\"answer\": \"1\"}]}", "'paths[0].text' is required"},
                {"{\"question\": \"q\", \"paths\": [{\"text\": \"A: 1\", \"mean_logprob\": 0.5}]}", "<= 0"},
                {"{\"question\": \"q\", \"paths\": [{\"text\": \"A: 1\", \"mean_logprob\": -1, \"logprobs\": []}]}", "not both"},
                {"{\"question\": \"q\", \"paths\": [{\"text\": \"A: 1\"}], \"extractor\": \"psychic\"}", "'extractor'"},
                {"{\"question\": \"q\", \"paths\": [{\"text\": \"A: 1\"}], \"answer_regex\": \"(unclosed\"}", "'answer_regex'"},
                {"{\"question\": \"q\", \"n\": 2}", "cannot generate"},
        };
        for (String[] c : cases) {
            String error = given().contentType(ContentType.JSON).body(c[0]).post(PATH).then().statusCode(400)
                    .extract().jsonPath().getString("error");
            assertTrue(error.contains(c[1]), () -> c[0] + " -> " + error);
        }
    }
}
