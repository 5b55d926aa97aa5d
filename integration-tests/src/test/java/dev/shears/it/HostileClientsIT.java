package dev.shears.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.api.HostileClientsContract;
import dev.shears.tools.ShearsProcess;
import io.restassured.RestAssured;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hostile-client suite against the packaged service, started with short timeouts of its own so that the
 * idle timeout, which only a separate process can have this short, is tested too: connections that stall in
 * their headers or send TLS bytes to the plain port are closed once idle.
 */
class HostileClientsIT extends HostileClientsContract {

    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(8);
    static ShearsProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ShearsProcess.start(ShearsProcess.defaultJar(), Map.of(
                "shears.limits.body-timeout", BODY_TIMEOUT.toSeconds() + "s",
                "shears.limits.request-timeout", "4s",
                "quarkus.http.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s"));
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void half_headers_and_tls_bytes_are_closed_once_idle() throws Exception {
        try (Socket half = open(); Socket tls = open()) {
            send(half, "POST " + PRUNE + " HTTP/1.1\r\nHost: localhost\r\nContent-Ty");
            send(tls, HexFormat.of().parseHex("16030100a5010000a10303" + "00".repeat(32)));
            othersAreServed();
            assertTrue(read(half, IDLE_TIMEOUT.plusSeconds(5)).closed(), "half headers: closed after the idle timeout");
            assertTrue(read(tls, IDLE_TIMEOUT.plusSeconds(5)).closed(), "TLS bytes: closed after the idle timeout");
        }
    }
}
