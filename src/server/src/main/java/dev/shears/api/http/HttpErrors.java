package dev.shears.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.api.error.ErrorResponse;
import dev.shears.error.ErrorType;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.nio.channels.ClosedChannelException;
import io.vertx.core.http.HttpClosedException;
import org.jboss.logging.Logger;

/**
 * The one error body, written at the HTTP layer for what never reaches a resource (a body that is too large,
 * too slow, not UTF-8 or not JSON; a path that cannot be decoded), and the count of clients that hung up, which
 * are not failures of Shears.
 */
@ApplicationScoped
public class HttpErrors {

    private static final Logger LOG = Logger.getLogger(HttpErrors.class);

    /** How long a refused client may go on sending before its connection is closed under it. */
    static final Duration LINGER = Duration.ofSeconds(2);

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry registry;

    /**
     * Counts the failure and answers with the error body, unless an answer has begun or the connection is gone.
     * {@code close} ends the connection after the answer: used when the rest of the request cannot be trusted or
     * is still arriving.
     */
    public void send(RoutingContext rc, ErrorType type, String message, boolean close) {
        registry.counter("shears.request.failures", "error_type", type.code()).increment();
        HttpServerResponse response = rc.response();
        if (response.headWritten() || response.closed()) {
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(ErrorResponse.of(type, message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body could not be written", e);
        }
        response.setStatusCode(type.status()).putHeader("Content-Type", "application/json");
        if (type == ErrorType.OVERLOADED) {
            response.putHeader("Retry-After", "1");
        }
        if (close) {
            response.putHeader("Connection", "close");
            response.end(body).onComplete(done -> closeLingering(rc));
        } else {
            response.end(body);
        }
    }

    /**
     * Closes the connection once the client has sent the rest of its request, or after {@link #LINGER}: a client
     * still writing a body it was refused then reads its answer instead of a reset.
     */
    private static void closeLingering(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long timer = rc.vertx().setTimer(LINGER.toMillis(), id -> connection.close());
        request.handler(discarded -> {});
        request.endHandler(ended -> {
            rc.vertx().cancelTimer(timer);
            connection.close();
        });
        request.resume();
    }

    /** A client that hung up or broke the connection: counted per stage and logged at debug, never as an error. */
    public void disconnected(RoutingContext rc, String stage, Throwable cause) {
        disconnected(stage, rc.request().path(), cause);
    }

    public void disconnected(String stage, String path, Throwable cause) {
        registry.counter("shears.client.disconnects", "stage", stage).increment();
        LOG.debugf("client went away during %s of %s (%s)", stage, path, cause == null ? "connection closed" : cause.toString());
    }

    /** The client hung up or broke the connection: nothing to answer, and nothing wrong with Shears. */
    public static boolean isDisconnect(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpClosedException || t instanceof ClosedChannelException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null
                    && (t.getMessage().contains("Connection reset") || t.getMessage().contains("Broken pipe")
                            || t.getMessage().contains("Connection was closed"))) {
                return true;
            }
        }
        return false;
    }
}
