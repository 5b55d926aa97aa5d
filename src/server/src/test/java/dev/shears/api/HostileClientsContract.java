package dev.shears.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Clients that misbehave at the socket: they stall or trickle their bodies, hang up halfway, break the chunked
 * framing or do not speak HTTP at all. Over real sockets, each test checks that everyone else is served
 * meanwhile, that no misbehaviour is answered with a 500 or counted as an internal failure, and what the
 * misbehaving client itself gets. The server under test must run with {@code shears.limits.body-timeout=5s}.
 */
public abstract class HostileClientsContract {

    protected static final Duration BODY_TIMEOUT = Duration.ofSeconds(5);
    protected static final String PRUNE = "/v1/context/prune";
    static final String BODY = "{\"query\": \"How tall is the Eiffel Tower?\", \"documents\": [\"The Eiffel Tower is 330 m tall.\"]}";

    /** What a raw client got: the status (0 when none), the body, and whether the server closed the connection. */
    protected record Answer(int status, String head, String body, boolean closed) {}

    protected static Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", RestAssured.port);
        socket.setSoTimeout(500);
        return socket;
    }

    protected static String postHead(String path, long contentLength) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + contentLength + "\r\n\r\n";
    }

    protected static void send(Socket socket, String text) throws IOException {
        send(socket, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    protected static void send(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Reads until the server closes the connection, a whole answer has come, or {@code wait} has passed. */
    protected static Answer read(Socket socket, Duration wait) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + wait.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        boolean closed = false;
        while (System.nanoTime() < deadline) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                if (complete(got.toString(StandardCharsets.UTF_8))) {
                    break;
                }
                continue;
            } catch (IOException e) { // reset by the server
                closed = true;
                break;
            }
            if (n < 0) {
                closed = true;
                break;
            }
            got.write(buffer, 0, n);
        }
        String text = got.toString(StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        String head = split < 0 ? text : text.substring(0, split);
        String body = split < 0 ? "" : text.substring(split + 4);
        Matcher status = Pattern.compile("^HTTP/\\S+ (\\d{3})").matcher(head);
        return new Answer(status.find() ? Integer.parseInt(status.group(1)) : 0, head, body, closed);
    }

    private static boolean complete(String text) {
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
        int split = text.indexOf("\r\n\r\n");
        return split >= 0 && length.find() && text.length() - split - 4 >= Integer.parseInt(length.group(1));
    }

    /** Everyone else is served: readiness, a prune and a rerank, all answered while the misbehaving clients wait. */
    protected static void othersAreServed() {
        given().get("/q/health/ready").then().statusCode(200);
        given().contentType(ContentType.JSON).body(BODY).post(PRUNE).then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"query\": \"tower height\", \"documents\": [\"The tower is 330 m tall.\"]}")
                .post("/v2/rerank").then().statusCode(200);
    }

    /** The sum of a Prometheus counter's series whose labels contain {@code labels}. */
    protected static double counter(String name, String labels) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    protected static double internalFailures() {
        return counter("shears_request_failures_total", "error_type=\"internal\"");
    }

    protected static void assertErrorBody(Answer answer, int status, String errorType, String mentions) {
        assertEquals(status, answer.status(), answer.head());
        assertTrue(answer.head().toLowerCase().contains("content-type: application/json"), answer.head());
        assertTrue(answer.body().contains("\"error_type\":\"" + errorType + "\""), answer.body());
        assertTrue(answer.body().contains(mentions), () -> answer.body() + " should mention " + mentions);
    }

    @Test
    void stalled_uploads_hold_no_thread_and_end_in_408() throws Exception {
        double internal = internalFailures();
        List<Socket> stalled = new ArrayList<>();
        try {
            long started = System.nanoTime();
            for (int i = 0; i < 250; i++) {
                Socket socket = open();
                send(socket, postHead(PRUNE, 1000) + "{\"que");
                stalled.add(socket);
            }
            othersAreServed();
            assertTrue(System.nanoTime() - started < BODY_TIMEOUT.toNanos(),
                    "served before any stalled client was let go, not after (slow machine? raise the body timeout)");
            for (Socket socket : stalled) {
                Answer answer = read(socket, BODY_TIMEOUT.plusSeconds(10));
                assertErrorBody(answer, 408, "request_timeout", "shears.limits.body-timeout");
                assertTrue(answer.closed() || read(socket, Duration.ofSeconds(5)).closed(), "a timed-out upload's connection is closed");
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        othersAreServed();
        assertEquals(internal, internalFailures(), "no internal failures");
    }

    @Test
    void a_trickling_upload_ends_in_408_while_others_are_served() throws Exception {
        try (Socket socket = open()) {
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            send(socket, postHead(PRUNE, body.length));
            Thread trickle = new Thread(() -> {
                try {
                    for (byte b : body) {
                        send(socket, new byte[] {b});
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection, as it should
                }
            });
            trickle.start();
            othersAreServed();
            Answer answer = read(socket, BODY_TIMEOUT.plusSeconds(10));
            assertErrorBody(answer, 408, "request_timeout", "shears.limits.body-timeout");
            trickle.interrupt();
        }
    }

    @Test
    void clients_hanging_up_mid_body_are_counted_as_disconnects_not_failures() throws Exception {
        double internal = internalFailures();
        double disconnects = counter("shears_client_disconnects_total", "stage=\"body\"");
        for (int i = 0; i < 20; i++) {
            try (Socket socket = open()) {
                send(socket, postHead(PRUNE, 1000) + "{\"query\": \"half a bo");
                Thread.sleep(20);
            }
        }
        long deadline = System.nanoTime() + BODY_TIMEOUT.toNanos() * 2;
        while (counter("shears_client_disconnects_total", "stage=\"body\"") < disconnects + 20 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(disconnects + 20, counter("shears_client_disconnects_total", "stage=\"body\""));
        assertEquals(internal, internalFailures());
        othersAreServed();
    }

    @Test
    void broken_chunked_framing_is_a_client_error() throws Exception {
        double internal = internalFailures();
        double invalid = counter("shears_request_failures_total", "error_type=\"invalid_request\"");
        try (Socket socket = open()) {
            send(socket, "POST " + PRUNE + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{\"query\"\r\n");
            Answer answer = read(socket, Duration.ofSeconds(5));
            assertTrue(answer.status() == 0 || answer.status() == 400, answer.head());
            assertTrue(answer.closed(), "the connection cannot be trusted after broken framing");
        }
        assertEquals(internal, internalFailures());
        assertTrue(counter("shears_request_failures_total", "error_type=\"invalid_request\"") > invalid);
        othersAreServed();
    }

    @Test
    void a_chunked_body_over_the_limit_gets_413_with_the_error_body() throws Exception {
        try (Socket socket = open()) {
            send(socket, "POST " + PRUNE + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = ("100000\r\n" + " ".repeat(0x100000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            try {
                for (int i = 0; i < 9; i++) {
                    send(socket, chunk);
                }
            } catch (IOException e) {
                // the server may stop reading once the limit is passed
            }
            assertErrorBody(read(socket, Duration.ofSeconds(10)), 413, "payload_too_large", "shears.limits.max-body-bytes");
        }
    }

    @Test
    void an_unknown_http_version_gets_the_error_body() throws Exception {
        try (Socket socket = open()) {
            send(socket, "POST " + PRUNE + " HTTP/9.9\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + BODY.length() + "\r\n\r\n" + BODY);
            assertErrorBody(read(socket, Duration.ofSeconds(5)), 400, "invalid_request", "HTTP version");
        }
    }

    /**
     * Requests the HTTP codec refuses before any Shears code runs. They get the right 4xx and are closed, but
     * with an empty body: Quarkus does not expose Vert.x's invalid-request handler (quarkus#55082).
     */
    @Test
    void requests_the_http_codec_refuses_get_a_4xx_never_a_500() throws Exception {
        double internal = internalFailures();
        String[][] cases = {
                {"GET /v1/%ZZ HTTP/1.1\r\nHost: localhost\r\n\r\n", "400"},
                {"GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", "414"},
                {"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(30_000) + "\r\n\r\n", "431"},
                {postHead(PRUNE, 0).replace("Content-Length: 0", "Content-Length: abc") + BODY, "400"},
                {postHead(PRUNE, 5).replace("\r\n\r\n", "\r\nTransfer-Encoding: chunked\r\n\r\n") + "5\r\nabcde\r\n0\r\n\r\n", "400"},
        };
        for (String[] c : cases) {
            try (Socket socket = open()) {
                send(socket, c[0]);
                Answer answer = read(socket, Duration.ofSeconds(5));
                assertEquals(Integer.parseInt(c[1]), answer.status(), c[0].substring(0, Math.min(60, c[0].length())));
            }
        }
        assertEquals(internal, internalFailures());
        othersAreServed();
    }

    @Test
    void tls_bytes_and_half_headers_do_not_shut_out_anyone() throws Exception {
        try (Socket tls = open(); Socket half = open()) {
            send(tls, HexFormat.of().parseHex("16030100a5010000a10303" + "00".repeat(32)));
            send(half, "POST " + PRUNE + " HTTP/1.1\r\nHost: localhost\r\nContent-Ty");
            othersAreServed();
            Answer tlsAnswer = read(tls, Duration.ofMillis(500));
            assertNotEquals(500, tlsAnswer.status());
            assertFalse(read(half, Duration.ofMillis(500)).status() >= 500);
        }
    }
}
