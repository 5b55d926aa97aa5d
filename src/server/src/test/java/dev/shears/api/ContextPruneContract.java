package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The context-pruning endpoint over real HTTP with the real embedded model. */
public abstract class ContextPruneContract {

    static final String EIFFEL = "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France."
            + " It is named after the engineer Gustave Eiffel, whose company designed and built the tower from 1887 to 1889."
            + " Locally nicknamed \"La dame de fer\", it was constructed as the centrepiece of the 1889 World's Fair."
            + " The tower is 330 metres tall, about the same height as an 81-storey building.";
    static final String BANANA = "Bananas are elongated, edible fruit. They are botanically berries. Bananas grow in"
            + " large hanging clusters.";

    static Map<String, Object> request() {
        return Map.of("query", "How tall is the Eiffel Tower?",
                "documents", List.of(EIFFEL, Map.of("id", "fruit", "title", "Banana", "text", BANANA, "metadata", Map.of("source", "wiki"))));
    }

    static JsonPath prune(Object body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/v1/context/prune")
                .then().statusCode(200)
                .header("x-split-time", notNullValue())
                .header("x-total-time", notNullValue())
                .extract().jsonPath();
    }

    @Test
    void prunes_a_real_passage_sensibly() {
        JsonPath r = prune(request());
        assertEquals("bge-small-en-v1.5-q", r.getString("model"));
        String eiffel = r.getString("documents[0].pruned_text");
        assertTrue(eiffel.contains("330 metres tall"), eiffel);
        assertEquals(keptSpans(r, 0, EIFFEL), eiffel, "pruned text = kept sentences as they stand in the input");
        assertTrue(eiffel.length() < EIFFEL.length(), "something should be removed");
        assertEquals("", r.getString("documents[1].pruned_text"), "the banana passage is irrelevant");
        assertEquals("fruit", r.getString("documents[1].id"));
        assertEquals("wiki", r.getString("documents[1].metadata.source"));
        assertTrue(r.getDouble("documents[0].relevance_score") > r.getDouble("documents[1].relevance_score"));
        assertEquals(1, r.getInt("documents[0].rank"));
    }

    /** The kept sentences cut from the input, each with the whitespace that followed it, trailing whitespace dropped. */
    static String keptSpans(JsonPath r, int doc, String input) {
        List<Map<String, Object>> sentences = r.getList("documents[" + doc + "].sentences");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sentences.size(); i++) {
            if (Boolean.TRUE.equals(sentences.get(i).get("kept"))) {
                int start = (Integer) sentences.get(i).get("start");
                int next = i + 1 < sentences.size() ? (Integer) sentences.get(i + 1).get("start") : input.length();
                out.append(input, start, next);
            }
        }
        return out.toString().stripTrailing();
    }

    @Test
    void reports_sentences_with_spans_scores_and_totals() {
        JsonPath r = prune(request());
        List<Map<String, Object>> sentences = r.getList("documents[0].sentences");
        assertEquals(4, sentences.size());
        for (Map<String, Object> s : sentences) {
            int start = (Integer) s.get("start");
            int end = (Integer) s.get("end");
            assertEquals(EIFFEL.substring(start, end), s.get("text"));
            assertTrue(((Number) s.get("score")).doubleValue() >= 0 && ((Number) s.get("score")).doubleValue() <= 1);
            assertTrue((Integer) s.get("tokens") > 0);
        }
        assertEquals(EIFFEL.length() + BANANA.length(), r.getInt("totals.chars_before"));
        assertEquals(r.getInt("totals.tokens_before") - r.getInt("totals.tokens_after"), r.getInt("totals.tokens_saved"));
        assertTrue(r.getInt("totals.tokens_saved") > 0);
    }

    @Test
    void same_input_same_output() {
        String first = given().contentType(ContentType.JSON).body(request()).post("/v1/context/prune").then().extract().jsonPath().prettify();
        String second = given().contentType(ContentType.JSON).body(request()).post("/v1/context/prune").then().extract().jsonPath().prettify();
        assertEquals(first, second);
    }

    @Test
    void options_change_what_is_kept() {
        JsonPath all = prune(Map.of("query", "Eiffel Tower", "documents", List.of(EIFFEL), "threshold", 0.0, "return_sentences", false));
        assertEquals(EIFFEL, all.getString("documents[0].pruned_text"));
        assertNull(all.get("documents[0].sentences"));
        JsonPath budget = prune(Map.of("query", "How tall is the Eiffel Tower?", "documents", List.of(EIFFEL), "threshold", 0.0, "token_budget", 25));
        assertTrue(budget.getInt("totals.tokens_after") <= 25);
        JsonPath top = prune(Map.of("query", "How tall is the Eiffel Tower?", "documents", List.of(BANANA, EIFFEL), "threshold", 0.0, "top_n", 1));
        assertEquals("", top.getString("documents[0].pruned_text"));
    }

    @Test
    void timing_headers_show_queue_and_inference_for_unseen_text_and_none_when_cached() {
        Map<String, Object> fresh = Map.of("query", "What is new?", "documents", List.of("A passage nobody sent before " + System.nanoTime() + "."));
        var cold = given().contentType(ContentType.JSON).body(fresh).post("/v1/context/prune").then().statusCode(200).extract();
        assertTrue(cold.header("x-inference-time") != null && cold.header("x-queue-time") != null && cold.header("x-tokenization-time") != null);
        var warm = given().contentType(ContentType.JSON).body(fresh).post("/v1/context/prune").then().statusCode(200).extract();
        assertNull(warm.header("x-inference-time"), "a fully cached request runs no inference");
        assertEquals(cold.jsonPath().getString("documents"), warm.jsonPath().getString("documents"));
    }

    @Test
    void ready_only_with_the_model_loaded() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'model' }.data.id", equalTo("bge-small-en-v1.5-q"))
                .body("checks.find { it.name == 'model' }.data.fused_layer_norms", equalTo(25));
    }

    @Test
    void metrics_show_stages_and_tokens_saved() {
        prune(request());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("shears_stage_duration_seconds_count{endpoint=\"context_prune\",stage=\"inference\"}",
                "shears_stage_duration_seconds_count{endpoint=\"context_prune\",stage=\"split\"}",
                "shears_tokens_saved_total", "shears_tokens_total{direction=\"in\"", "shears_chars_total", "shears_cache_hits")) {
            assertTrue(metrics.contains(name), "metrics lack " + name);
        }
    }

    @Test
    void publishes_an_openapi_document() {
        given().get("/q/openapi?format=json").then().statusCode(200).body("paths", notNullValue())
                .body(containsString("/v1/context/prune"));
    }

    @Test
    void many_documents_in_one_request() {
        List<String> docs = java.util.Collections.nCopies(40, EIFFEL);
        JsonPath r = prune(Map.of("query", "Who designed the Eiffel Tower?", "documents", docs, "return_sentences", false));
        assertEquals(40, r.getList("documents").size());
        given().contentType(ContentType.JSON).body(Map.of("query", "q", "documents", docs)).post("/v1/context/prune")
                .then().statusCode(200).body("documents", hasSize(40)).body("totals.chars_before", greaterThan(0));
    }

    /** Pure junk scores a little above the default threshold with the default model; it must go all the same. */
    @Test
    void junk_is_pruned_though_the_model_scores_it_above_the_threshold() {
        List<String> junk = List.of("```\n" + "x = 1\n".repeat(50) + "```", ".".repeat(500), "A. A. A.");
        JsonPath r = prune(Map.of("query", "How tall is the Eiffel Tower?", "documents", junk));
        double threshold = r.getDouble("threshold");
        double best = 0;
        for (int d = 0; d < junk.size(); d++) {
            assertEquals("", r.getString("documents[" + d + "].pruned_text"), junk.get(d));
            for (Map<String, Object> s : r.<Map<String, Object>>getList("documents[" + d + "].sentences")) {
                best = Math.max(best, ((Number) s.get("score")).doubleValue());
            }
        }
        assertTrue(best >= threshold, "the junk should score over the threshold (" + best + " < " + threshold
                + "), or this test no longer shows that junk is dropped for what it is");
    }

    @Test
    void a_kept_table_row_keeps_its_header_and_separator_rows() {
        String table = "Tall structures in Paris.\n\n| Structure | Height |\n|---|---|\n| Eiffel Tower | 330 m |\n"
                + "| Tour Montparnasse | 210 m |\n| Notre-Dame | 96 m |\n";
        JsonPath r = prune(Map.of("query", "How tall is the Eiffel Tower?", "documents", List.of(table), "top_n", 1,
                "token_budget", 12));
        String kept = r.getString("documents[0].pruned_text");
        assertTrue(kept.contains("| Eiffel Tower | 330 m |"), kept);
        assertTrue(kept.startsWith("| Structure | Height |\n|---|---|\n"), kept);
    }
}
