package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cohere-compatible reranking, exercised with the request bodies the LangChain4j and quarkus-langchain4j
 * Cohere clients send (recorded shapes; their jars are not resolvable here), checking the fields they read.
 */
@QuarkusTest
public class RerankResourceTest {

    static final String DOCS = "[\"Bananas are elongated, edible fruit.\","
            + " \"The Eiffel Tower is 330 metres tall.\","
            + " \"Gustave Eiffel's company designed and built the tower.\"]";

    /** LangChain4j CohereScoringModel: POST {baseUrl}rerank with {model, query, documents}, bearer key. */
    @Test
    void answers_langchain4j_cohere_scoring_model_requests() {
        String body = "{\"model\": \"rerank-english-v3.0\", \"query\": \"How tall is the Eiffel Tower?\", \"documents\": " + DOCS + "}";
        JsonPath r = given().header("Authorization", "Bearer any-key").contentType("application/json").body(body)
                .post("/v1/rerank").then().statusCode(200).extract().jsonPath();
        List<Integer> order = r.getList("results.index");
        assertEquals(3, order.size());
        assertEquals(1, order.get(0), "the answer ranks first");
        assertEquals(0, order.get(2), "the banana ranks last");
        assertTrue(r.getDouble("results[0].relevance_score") >= r.getDouble("results[1].relevance_score"));
        assertNull(r.get("results[0].document"));
        assertEquals("1", r.getString("meta.api_version.version"));
    }

    /** quarkus-langchain4j Cohere client: POST {base-url}/v2/rerank with {model, query, documents, top_n?}. */
    @Test
    void answers_quarkus_langchain4j_cohere_requests_with_top_n_and_documents() {
        String body = "{\"model\": \"rerank-v3.5\", \"query\": \"Who built the Eiffel Tower?\", \"documents\": " + DOCS
                + ", \"top_n\": 2, \"return_documents\": true}";
        JsonPath r = given().contentType("application/json").body(body).post("/v2/rerank").then().statusCode(200).extract().jsonPath();
        assertEquals(2, r.getList("results").size());
        assertEquals(2, r.getInt("results[0].index"));
        assertTrue(r.getString("results[0].document.text").startsWith("Gustave Eiffel"));
        assertEquals("2", r.getString("meta.api_version.version"));
        assertEquals("bge-small-en-v1.5-q", r.getString("meta.model"));
    }

    @Test
    void scores_are_the_same_as_context_pruning_relevance() {
        String body = "{\"query\": \"How tall is the Eiffel Tower?\", \"documents\": " + DOCS + "}";
        JsonPath rerank = given().contentType("application/json").body("{\"model\": \"m\", " + body.substring(1)).post("/v2/rerank")
                .then().statusCode(200).extract().jsonPath();
        JsonPath prune = given().contentType("application/json").body(body).post("/v1/context/prune").then().statusCode(200)
                .extract().jsonPath();
        int best = rerank.getInt("results[0].index");
        assertEquals(prune.getDouble("documents[" + best + "].relevance_score"), rerank.getDouble("results[0].relevance_score"), 1e-9);
    }

    @Test
    void refuses_what_it_cannot_honour() {
        HostileRequestsContract.assertError(given().contentType("application/json")
                .body("{\"model\": \"m\", \"query\": \"q\", \"documents\": [\"x\"], \"rank_fields\": [\"title\"]}").post("/v1/rerank"),
                400, "invalid_request", "rank_fields");
        HostileRequestsContract.assertError(given().contentType("application/json")
                .body("{\"model\": \"m\", \"query\": \"q\", \"documents\": [\"x\"], \"top_n\": 0}").post("/v2/rerank"),
                400, "invalid_request", "top_n");
        HostileRequestsContract.assertError(given().contentType("application/json")
                .body("{\"model\": \"m\", \"query\": \"q\", \"documents\": []}").post("/v2/rerank"),
                400, "invalid_request", "'documents' is empty");
    }
}
