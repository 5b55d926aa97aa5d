package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenAPI document at {@code /q/openapi} describes what every endpoint really takes and answers: the
 * resources return {@code Response}, so without their annotations each 200 would be an empty {@code schema: {}}
 * and no error response would say that its body is an {@code ErrorResponse}.
 */
@QuarkusTest
public class OpenApiDocumentTest {

    private static final String REF = "#/components/schemas/";

    /** path, method, request schema (- for none), 200 schema, properties the 200 schema must have, error codes. */
    @ParameterizedTest(name = "{1} {0}")
    @CsvSource(delimiter = ';', value = {
            "/v1/context/prune;          post; PruneRequest;          PruneResponse;          model documents totals; 400 401 413 429 500 503 504",
            "/v1/rerank;                 post; RerankRequest;         RerankResponse;         id results meta;        400 401 413 429 500 503 504",
            "/v2/rerank;                 post; RerankRequest;         RerankResponse;         id results meta;        400 401 413 429 500 503 504",
            "/local/v1/completions;      post; CompletionRequest;     CompletionResponse;     id object choices usage; 400 401 404 413 429 500 503 504",
            "/local/v1/chat/completions; post; ChatCompletionRequest; ChatCompletionResponse; id object choices usage; 400 401 404 413 429 500 503 504",
            "/local/v1/models;           get;  -;                     ModelList;              object data;            401 500 503"})
    void every_endpoint_names_its_request_response_and_error_schemas(String path, String method, String request,
                                                                    String response, String properties, String errors) {
        Map<String, Object> doc = document();
        Map<String, Object> operation = map(map(map(doc, "paths"), path), method);

        if (!request.equals("-")) {
            assertEquals(REF + request, ref(map(map(map(operation, "requestBody"), "content"), "application/json")),
                    method + " " + path + " request body");
        }

        Map<String, Object> responses = map(operation, "responses");
        Map<String, Object> ok = map(responses, "200");
        assertEquals(REF + response, ref(map(map(ok, "content"), "application/json")), method + " " + path + " 200");
        Map<String, Object> schema = component(doc, response);
        for (String property : properties.split(" ")) {
            assertTrue(map(schema, "properties").containsKey(property), response + " lacks '" + property + "': " + schema);
        }
        if (method.equals("post")) {
            assertTrue(map(ok, "headers").containsKey("x-total-time"), method + " " + path + " documents x-total-time");
        }

        Set<String> expected = new TreeSet<>(List.of(errors.split(" ")));
        Set<String> documented = new TreeSet<>(responses.keySet());
        documented.remove("200");
        assertEquals(expected, documented, method + " " + path + " error codes");
        for (String code : expected) {
            Map<String, Object> error = map(responses, code);
            assertEquals(REF + "ErrorResponse", ref(map(map(error, "content"), "application/json")),
                    method + " " + path + " " + code);
            assertFalse(String.valueOf(error.get("description")).isBlank(), method + " " + path + " " + code + " description");
        }
    }

    @Test
    void error_response_has_the_error_body_fields() {
        Map<String, Object> properties = map(component(document(), "ErrorResponse"), "properties");
        assertEquals(Set.of("error", "error_type", "status"), properties.keySet());
    }

    /** Nested records come out as real schemas too. */
    @Test
    void nested_response_types_have_their_fields() {
        Map<String, Object> doc = document();
        Map<String, Object> documents = map(map(component(doc, "PruneResponse"), "properties"), "documents");
        assertEquals("array", documents.get("type"));
        Map<String, Object> pruned = component(doc, ref(documents, "items").substring(REF.length()));
        for (String property : List.of("index", "relevance_score", "pruned_text", "compression", "tokens_before",
                "tokens_after", "sentences")) {
            assertTrue(map(pruned, "properties").containsKey(property), "pruned document lacks '" + property + "'");
        }
        Map<String, Object> results = map(map(component(doc, "RerankResponse"), "properties"), "results");
        Map<String, Object> result = component(doc, ref(results, "items").substring(REF.length()));
        assertTrue(map(result, "properties").keySet().containsAll(List.of("index", "relevance_score")));
    }

    /** No operation's response or request body is left as {@code schema: {}}, and no schema shows JsonNode's getters. */
    @Test
    void no_schema_is_empty_or_a_json_node_bean() {
        Map<String, Object> doc = document();
        List<String> empty = new ArrayList<>();
        map(doc, "paths").forEach((path, ops) -> map(ops).forEach((method, op) -> {
            List<Map<String, Object>> bodies = new ArrayList<>();
            if (map(op).containsKey("requestBody")) {
                bodies.add(map(map(op), "requestBody"));
            }
            map(map(op), "responses").values().forEach(r -> bodies.add(map(r)));
            for (Map<String, Object> body : bodies) {
                if (body.containsKey("content")) {
                    map(body, "content").forEach((type, media) -> {
                        if (map(media).get("schema") == null || map(map(media), "schema").isEmpty()) {
                            empty.add(method + " " + path + " " + type);
                        }
                    });
                }
            }
        }));
        assertTrue(empty.isEmpty(), "empty schemas: " + empty);
        map(map(doc, "components"), "schemas").forEach((name, schema) -> {
            Object properties = map(schema).get("properties");
            assertFalse(properties instanceof Map<?, ?> p && p.containsKey("valueNode"), name + " is JsonNode's bean shape");
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() {
        return given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200).extract().as(Map.class);
    }

    private static Map<String, Object> component(Map<String, Object> doc, String name) {
        return map(map(map(doc, "components"), "schemas"), name);
    }

    private static String ref(Map<String, Object> media) {
        return ref(media, "schema");
    }

    private static String ref(Map<String, Object> holder, String key) {
        Object ref = map(holder, key).get("$ref");
        assertNotNull(ref, key + " has no $ref: " + holder);
        return (String) ref;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object child = parent.get(key);
        assertNotNull(child, "no '" + key + "' in " + parent.keySet());
        return map(child);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertTrue(node instanceof Map, "not an object: " + node);
        return (Map<String, Object>) node;
    }
}
