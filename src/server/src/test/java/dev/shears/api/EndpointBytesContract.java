package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.error.ErrorType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A byte-level corpus sent to every endpoint that takes a JSON body, as listed by the service's own OpenAPI
 * document, so an endpoint added later is covered without being named here. Every case is refused before a
 * resource sees it, with the 4xx of its kind and the one error body; none may get a 5xx or leak internals.
 */
public abstract class EndpointBytesContract {

    /** {@code mentions} is a regular expression the error message must contain a match of. */
    record Case(String name, String contentType, byte[] body, int status, String mentions) {}

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] with(String before, int[] raw, String after) {
        byte[] a = bytes(before);
        byte[] c = bytes(after);
        byte[] out = new byte[a.length + raw.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        for (int i = 0; i < raw.length; i++) {
            out[a.length + i] = (byte) raw[i];
        }
        System.arraycopy(c, 0, out, a.length + raw.length, c.length);
        return out;
    }

    static final List<Case> CORPUS = List.of(
            new Case("invalid UTF-8", "application/json", with("{\"query\": \"caf", new int[] {0xC3, 0x28}, "\"}"), 400, "UTF-8"),
            new Case("overlong UTF-8 for '/'", "application/json", with("{\"query\": \"a", new int[] {0xC0, 0xAF}, "b\"}"), 400, "UTF-8"),
            new Case("UTF-8-encoded surrogate", "application/json", with("{\"query\": \"", new int[] {0xED, 0xA0, 0x80}, "\"}"), 400, "UTF-8"),
            new Case("truncated UTF-8 sequence", "application/json", with("{\"query\": \"", new int[] {0xE2, 0x82}, "\"}"), 400, "UTF-8"),
            new Case("Latin-1 byte", "application/json", with("{\"query\": \"caf", new int[] {0xE9}, "\"}"), 400, "UTF-8"),
            new Case("trailing garbage", "application/json", bytes("{} trailing"), 400, "malformed JSON"),
            new Case("two objects back to back", "application/json", bytes("{}{}"), 400, "exactly one JSON"),
            new Case("duplicate key", "application/json", bytes("{\"FIELD\": null, \"FIELD\": null}"), 400, "Duplicate field 'FIELD'"),
            new Case("raw control character", "application/json", bytes("{\"query\": \"a\u0001b\"}"), 400, "malformed JSON"),
            new Case("unclosed string", "application/json", bytes("{\"query\": \"q"), 400, "malformed JSON"),
            new Case("nesting bomb", "application/json", bytes("{\"FIELD\": " + "[".repeat(5000) + "]".repeat(5000) + "}"), 400,
                    "malformed JSON|'FIELD' must be"), // too deep, or the wrong type for the field, whichever is met first
            new Case("array for the body", "application/json", bytes("[]"), 400, "must be an object"),
            new Case("not JSON", "application/json", bytes("query=q&documents=a"), 400, "malformed JSON"),
            new Case("no Content-Type", null, bytes("{\"query\": \"q\"}"), 415, "Content-Type"),
            new Case("wildcard Content-Type", "*/*", bytes("{\"query\": \"q\"}"), 415, "application/json"),
            new Case("text Content-Type", "text/plain", bytes("query=q"), 415, "application/json"),
            new Case("Latin-1 charset", "application/json; charset=ISO-8859-1", bytes("{\"query\": \"q\"}"), 415, "UTF-8"),
            new Case("body over the limit", "application/json", new byte[9 * 1024 * 1024], 413, "shears.limits.max-body-bytes"));

    /** Method, path and a field of the request schema of every operation with a JSON request body. */
    static List<String[]> jsonEndpoints() {
        JsonPath openapi = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = openapi.getMap("paths");
        List<String[]> endpoints = new ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            Object body = operation instanceof Map<?, ?> op ? op.get("requestBody") : null;
            if (body != null && body.toString().contains("application/json")) {
                String schema = openapi.getString("paths['" + path + "']." + method + ".requestBody.content['application/json'].schema['$ref']");
                Map<String, Object> properties = openapi.getMap("components.schemas." + schema.substring(schema.lastIndexOf('/') + 1) + ".properties");
                endpoints.add(new String[] {method.toUpperCase(), path, properties.keySet().iterator().next()});
            }
        }));
        return endpoints;
    }

    @TestFactory
    List<DynamicTest> every_json_endpoint_refuses_every_malformed_body_with_a_clear_4xx() {
        List<String[]> endpoints = jsonEndpoints();
        assertTrue(endpoints.size() >= 4, "the OpenAPI document lists the JSON endpoints: " + endpoints.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] endpoint : endpoints) {
            for (Case c : CORPUS) {
                tests.add(DynamicTest.dynamicTest(endpoint[0] + " " + endpoint[1] + ": " + c.name(), () -> {
                    byte[] bytes = new String(c.body(), StandardCharsets.ISO_8859_1).replace("FIELD", endpoint[2])
                            .getBytes(StandardCharsets.ISO_8859_1);
                    RequestSpecification request = given().body(bytes);
                    request = c.contentType() == null ? request.noContentType() : request.contentType(c.contentType());
                    Response r = request.request(endpoint[0], endpoint[1]);
                    assertRefused(r, new Case(c.name(), c.contentType(), bytes, c.status(), c.mentions().replace("FIELD", endpoint[2])));
                }));
            }
        }
        return tests;
    }

    static void assertRefused(Response r, Case c) {
        assertEquals(c.status(), r.statusCode(), () -> c.name() + ": " + r.asString());
        JsonPath body = r.jsonPath();
        String error = body.getString("error");
        assertTrue(Pattern.compile(c.mentions()).matcher(error).find(), () -> "'" + error + "' should mention '" + c.mentions() + "'");
        assertTrue(Arrays.stream(ErrorType.values()).anyMatch(t -> t.code().equals(body.getString("error_type"))));
        assertEquals(c.status(), body.getInt("status"));
        for (String leak : List.of("Exception", "dev.shears", "`", "CoercionConfig", "com.fasterxml", "Source:")) {
            assertFalse(error.contains(leak), () -> "leaks '" + leak + "': " + error);
        }
    }
}
