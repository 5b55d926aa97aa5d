package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of malformed and hostile requests. Every one must get the expected 4xx with the one error body
 * ({@code error}, {@code error_type}, {@code status}) and a message that names the problem; none may get a 500.
 */
public abstract class HostileRequestsContract {

    static final String PATH = "/v1/context/prune";

    record Case(String name, String contentType, byte[] body, int status, String errorType, String mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case json(String name, String body, int status, String errorType, String mentions) {
        return new Case(name, "application/json", body.getBytes(StandardCharsets.UTF_8), status, errorType, mentions);
    }

    static Case invalid(String name, String body, String mentions) {
        return json(name, body, 400, "invalid_request", mentions);
    }

    static Stream<Arguments> corpus() {
        String doc = "\"Paris is the capital of France.\"";
        List<Case> cases = new ArrayList<>(List.of(
                invalid("empty body", "", "required"),
                invalid("null body", "null", "required"),
                invalid("array body", "[]", "must be an object"),
                invalid("truncated JSON", "{\"query\": \"q\", \"documents\": [", "malformed"),
                invalid("not JSON at all", "query=paris", "malformed"),
                invalid("missing documents", "{\"query\": \"q\"}", "'documents' is required"),
                invalid("missing query", "{\"documents\": [" + doc + "]}", "'query' is required"),
                invalid("blank query", "{\"query\": \"  \", \"documents\": [" + doc + "]}", "'query' is empty"),
                invalid("no documents", "{\"query\": \"q\", \"documents\": []}", "'documents' is empty"),
                invalid("query is a number", "{\"query\": 42, \"documents\": [" + doc + "]}", "query"),
                invalid("documents is a string", "{\"query\": \"q\", \"documents\": " + doc + "}", "documents"),
                invalid("document is a number", "{\"query\": \"q\", \"documents\": [7]}", "documents[0]"),
                invalid("document is null", "{\"query\": \"q\", \"documents\": [null]}", "documents[0]"),
                invalid("document without text", "{\"query\": \"q\", \"documents\": [{\"title\": \"t\"}]}", "documents[0].text"),
                invalid("document text not a string", "{\"query\": \"q\", \"documents\": [{\"text\": 5}]}", "documents[0].text"),
                invalid("unknown document field", "{\"query\": \"q\", \"documents\": [{\"text\": \"x\", \"body\": 1}]}", "documents[0].body"),
                invalid("unknown option", "{\"query\": \"q\", \"documents\": [" + doc + "], \"treshold\": 0.5}", "treshold"),
                invalid("threshold above 1", "{\"query\": \"q\", \"documents\": [" + doc + "], \"threshold\": 2}", "[0, 1]"),
                invalid("threshold as text", "{\"query\": \"q\", \"documents\": [" + doc + "], \"threshold\": \"0.5\"}", "threshold"),
                invalid("threshold overflow", "{\"query\": \"q\", \"documents\": [" + doc + "], \"threshold\": 1e999}", "threshold"),
                invalid("top_n zero", "{\"query\": \"q\", \"documents\": [" + doc + "], \"top_n\": 0}", "top_n"),
                invalid("top_n fractional", "{\"query\": \"q\", \"documents\": [" + doc + "], \"top_n\": 1.5}", "top_n"),
                invalid("negative budget", "{\"query\": \"q\", \"documents\": [" + doc + "], \"token_budget\": -5}", "token_budget"),
                invalid("ratio zero", "{\"query\": \"q\", \"documents\": [" + doc + "], \"target_ratio\": 0}", "target_ratio"),
                invalid("ratio and budget", "{\"query\": \"q\", \"documents\": [" + doc + "], \"target_ratio\": 0.5, \"token_budget\": 9}", "not both"),
                invalid("flag as string", "{\"query\": \"q\", \"documents\": [" + doc + "], \"return_sentences\": \"yes\"}", "return_sentences"),
                invalid("NUL in query", "{\"query\": \"a\\u0000b\", \"documents\": [" + doc + "]}", "U+0000"),
                invalid("escape char in document", "{\"query\": \"q\", \"documents\": [\"a\\u001bb\"]}", "U+001B"),
                invalid("DEL in query", "{\"query\": \"a\\u007fb\", \"documents\": [" + doc + "]}", "U+007F"),
                invalid("C1 NEXT LINE in document", "{\"query\": \"q\", \"documents\": [\"a\\u0085b\"]}", "U+0085"),
                invalid("numeric id", "{\"query\": \"q\", \"documents\": [{\"id\": 5, \"text\": \"x\"}]}", "'documents[0].id' must be a string"),
                invalid("metadata over the limit", "{\"query\": \"q\", \"documents\": [{\"text\": \"x\", \"metadata\": \""
                        + "m".repeat(9000) + "\"}]}", "shears.limits.max-metadata-chars"),
                invalid("integer option as text", "{\"query\": \"q\", \"documents\": [" + doc + "], \"top_n\": \"3\"}", "'top_n' must be an integer"),
                invalid("lone surrogate", "{\"query\": \"q\", \"documents\": [\"a\\ud800b\"]}", "surrogate"),
                invalid("raw control character", "{\"query\": \"a\u0001b\", \"documents\": [" + doc + "]}", "malformed"),
                invalid("query over the limit", "{\"query\": \"" + "q".repeat(5000) + "\", \"documents\": [" + doc + "]}", "4096"),
                invalid("document over the limit", "{\"query\": \"q\", \"documents\": [\"" + "x ".repeat(50001) + "\"]}", "100000"),
                invalid("too many documents", "{\"query\": \"q\", \"documents\": [" + String.join(",", java.util.Collections.nCopies(257, doc)) + "]}", "256"),
                invalid("nesting bomb", "{\"query\": \"q\", \"documents\": [{\"text\": \"x\", \"metadata\": " + "[".repeat(5000) + "]".repeat(5000) + "}]}", "malformed"),
                new Case("invalid UTF-8", "application/json", concat("{\"query\": \"caf", new byte[] {(byte) 0xC3, (byte) 0x28}, "\", \"documents\": [" + doc + "]}"),
                        400, "invalid_request", "UTF-8"),
                new Case("text/plain body", "text/plain", "hello".getBytes(StandardCharsets.UTF_8), 415, "unsupported_media_type", "application/json"),
                new Case("body over the limit", "application/json", new byte[9 * 1024 * 1024], 413, "payload_too_large", "8388608")));
        return cases.stream().map(Arguments::of);
    }

    static byte[] concat(String a, byte[] b, String c) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] z = c.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[x.length + b.length + z.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(b, 0, out, x.length, b.length);
        System.arraycopy(z, 0, out, x.length + b.length, z.length);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void every_malformed_request_gets_a_clear_4xx(Case c) {
        Response r = given().contentType(c.contentType()).body(c.body()).when().post(PATH);
        assertError(r, c.status(), c.errorType(), c.mentions());
    }

    @org.junit.jupiter.api.Test
    void wrong_method_and_path_use_the_same_error_body() {
        assertError(given().get(PATH), 405, "method_not_allowed", "method");
        assertError(given().contentType("application/json").body("{}").post("/v1/nowhere"), 404, "not_found", "endpoint");
    }

    @org.junit.jupiter.api.Test
    void the_service_still_works_after_the_corpus() {
        corpus().forEach(a -> given().contentType(((Case) a.get()[0]).contentType()).body(((Case) a.get()[0]).body()).post(PATH));
        given().contentType("application/json").body("{\"query\": \"capital of France\", \"documents\": [\"Paris is the capital of France.\"]}")
                .post(PATH).then().statusCode(200);
    }

    static void assertError(Response r, int status, String errorType, String mentions) {
        assertEquals(status, r.statusCode(), () -> "body: " + r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        String error = r.jsonPath().getString("error");
        assertNotNull(error, r.asString());
        assertFalse(error.isBlank());
        assertEquals(errorType, r.jsonPath().getString("error_type"));
        assertEquals(status, r.jsonPath().getInt("status"));
        assertTrue(error.contains(mentions), () -> "'" + error + "' should mention '" + mentions + "'");
        assertFalse(error.contains("dev.shears") || error.contains("Exception"), () -> "leaks internals: " + error);
    }
}
