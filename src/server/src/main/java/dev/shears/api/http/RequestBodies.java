package dev.shears.api.http;

import dev.shears.config.ShearsConfig;
import dev.shears.error.ErrorType;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reads every request body on the event loop, before any worker thread is involved, so that clients that
 * upload slowly or stall cost a socket and a buffer but never a thread that serves others. A body must:
 * <ul>
 *   <li>declare {@code Content-Type: application/json} (a {@code charset} parameter, if any, must be UTF-8), else 415;
 *   <li>be at most {@code shears.limits.max-body-bytes}, declared or chunked, else 413;
 *   <li>arrive whole within {@code shears.limits.body-timeout} of its headers, else 408 and the connection is closed;
 *   <li>be well-formed UTF-8 (no overlong forms, surrogates or truncated sequences), else 400 naming the byte offset.
 * </ul>
 * The resources then read the buffered body from memory. Failures the router sees (a body that broke off, a bad
 * chunk, a path that cannot be decoded) get the one error body; clients that hung up are counted, not logged as errors.
 */
@ApplicationScoped
public class RequestBodies {

    private static final Logger LOG = Logger.getLogger(RequestBodies.class);
    private static final String TIMER = "shears.body-timer";

    @Inject
    ShearsConfig config;

    @Inject
    HttpErrors errors;

    @ConfigProperty(name = "quarkus.http.idle-timeout")
    Duration idleTimeout;

    void register(@Observes Router router) {
        if (idleTimeout.compareTo(config.limits().requestTimeout()) <= 0) {
            throw new IllegalStateException("quarkus.http.idle-timeout (" + idleTimeout + ") must be longer than"
                    + " shears.limits.request-timeout (" + config.limits().requestTimeout() + "): a connection is silent"
                    + " while its request is worked on, and would be closed under it");
        }
        long maxBodyBytes = config.limits().maxBodyBytes();
        BodyHandler reader = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
        router.route().order(Integer.MIN_VALUE)
                .handler(this::admit)
                .handler(rc -> {
                    // a request without a body is left to the resource, which reads its (empty) end from Vert.x
                    if (rc.get(TIMER) == null) {
                        rc.next();
                    } else {
                        reader.handle(rc);
                    }
                })
                .handler(this::received)
                .failureHandler(this::failed);
        // a request the router cannot even match (a path that does not decode) skips every route's failure handler
        router.errorHandler(400, this::failed);
    }

    void admit(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (request.version() == null) {
            errors.send(rc, ErrorType.INVALID_REQUEST, "unsupported HTTP version; use HTTP/1.1 or HTTP/2", true);
            return;
        }
        if (!hasBody(request)) {
            rc.next();
            return;
        }
        long declared = declaredLength(request);
        long limit = config.limits().maxBodyBytes();
        if (declared > limit) {
            errors.send(rc, ErrorType.PAYLOAD_TOO_LARGE, "request body of " + declared + " bytes is over the limit of "
                    + limit + " bytes (shears.limits.max-body-bytes)", true);
            return;
        }
        String unsupported = unsupportedContentType(request.getHeader("Content-Type"));
        if (unsupported != null) {
            errors.send(rc, ErrorType.UNSUPPORTED_MEDIA_TYPE, unsupported, true);
            return;
        }
        long timeout = config.limits().bodyTimeout().toMillis();
        long timer = rc.vertx().setTimer(timeout, id -> {
            errors.send(rc, ErrorType.REQUEST_TIMEOUT, "the request body did not arrive within " + timeout
                    + " ms of its headers (shears.limits.body-timeout)", true);
        });
        rc.put(TIMER, timer);
        rc.addEndHandler(done -> rc.vertx().cancelTimer(timer));
        rc.next();
    }

    void received(RoutingContext rc) {
        if (!cancelTimer(rc)) {
            rc.next(); // no body was read here
            return;
        }
        if (rc.response().ended() || rc.response().closed()) {
            return; // answered 408 while the last bytes were on their way, or the client has gone
        }
        Buffer body = rc.body().buffer();
        if (body == null || body.length() == 0) {
            // an empty chunked body: Quarkus REST would wait for a body from the already-read request
            errors.send(rc, ErrorType.INVALID_REQUEST, "request body is empty; send a JSON object", false);
            return;
        }
        long bad = Utf8.firstMalformedByte(body.getByteBuf().nioBuffer());
        if (bad >= 0) {
            errors.send(rc, ErrorType.INVALID_REQUEST, "request body is not valid UTF-8 (byte offset " + bad + ")", false);
            return;
        }
        rc.next();
    }

    void failed(RoutingContext rc) {
        cancelTimer(rc);
        Throwable failure = rc.failure();
        if (failure != null && isMalformedHttp(failure)) {
            // Vert.x closes the connection after a framing error in a body, so often there is no one left to answer
            errors.send(rc, ErrorType.INVALID_REQUEST, "malformed HTTP request: " + failure.getMessage(), true);
        } else if (rc.response().closed() || HttpErrors.isDisconnect(failure)) {
            errors.disconnected(rc, rc.request().isEnded() ? "response" : "body", failure);
        } else if (failure == null) {
            byStatus(rc, rc.statusCode());
        } else {
            LOG.error("unexpected failure, this is a bug", failure);
            errors.send(rc, ErrorType.INTERNAL, "internal error; the server log has the details", false);
        }
    }

    private void byStatus(RoutingContext rc, int status) {
        switch (status) {
            case 413 -> errors.send(rc, ErrorType.PAYLOAD_TOO_LARGE, "request body is over the limit of "
                    + config.limits().maxBodyBytes() + " bytes (shears.limits.max-body-bytes)", true);
            case 404 -> errors.send(rc, ErrorType.NOT_FOUND, "no such endpoint", false);
            case 405 -> errors.send(rc, ErrorType.METHOD_NOT_ALLOWED, "method not allowed on this endpoint", false);
            case 417 -> errors.send(rc, ErrorType.INVALID_REQUEST, "unsupported Expect header; only 100-continue is understood", true);
            default -> {
                if (status >= 500 || status < 400) {
                    LOG.errorf("request failed with status %d and no cause", status);
                    errors.send(rc, ErrorType.INTERNAL, "internal error; the server log has the details", false);
                } else {
                    errors.send(rc, ErrorType.INVALID_REQUEST, "malformed HTTP request (the path or a header could not be decoded)", true);
                }
            }
        }
    }

    /** Cancels the body timer; false when the request had none, having no body to read. */
    private static boolean cancelTimer(RoutingContext rc) {
        Long timer = rc.get(TIMER);
        if (timer != null) {
            rc.vertx().cancelTimer(timer);
        }
        return timer != null;
    }

    private static boolean hasBody(HttpServerRequest request) {
        return !request.isEnded() && (request.headers().contains("Transfer-Encoding") || declaredLength(request) > 0);
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1; // the HTTP codec refuses a malformed length before a request gets here
        }
    }

    /** Why a body's declared type is refused, or null when it is JSON in UTF-8. */
    static String unsupportedContentType(String header) {
        if (header == null || header.isBlank()) {
            return "no Content-Type; send the body as Content-Type: application/json";
        }
        String[] parts = header.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json")) {
            return "Content-Type '" + type + "' is not accepted; send the body as application/json";
        }
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].split("=", 2);
            if (param[0].strip().equalsIgnoreCase("charset")) {
                String charset = param.length < 2 ? "" : param[1].strip().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    return "charset '" + charset + "' is not accepted; JSON bodies must be UTF-8";
                }
            }
        }
        return null;
    }

    /** The HTTP codec could not make sense of the bytes (a bad chunk size, a broken header). */
    static boolean isMalformedHttp(Throwable failure) {
        if (failure instanceof DecoderException || failure instanceof TooLongFrameException) {
            return true;
        }
        StackTraceElement[] frames = failure.getStackTrace();
        return frames.length > 0 && frames[0].getClassName().startsWith("io.netty.handler.codec.");
    }

}
