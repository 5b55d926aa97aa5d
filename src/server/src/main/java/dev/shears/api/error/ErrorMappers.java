package dev.shears.api.error;

import dev.shears.api.http.HttpErrors;
import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into the one error body. Client mistakes get a 4xx naming the problem; only real bugs
 * become a 500, and those are logged with their stack trace. Each answer counts in
 * {@code shears_request_failures_total{error_type}}.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @Inject
    MeterRegistry registry;

    @Inject
    HttpErrors errors;

    @ServerExceptionMapper
    public Response shears(ShearsException e) {
        return respond(e.type(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(ErrorType.INVALID_REQUEST, describe(e));
    }

    /** More specific than Quarkus' built-in mapper for binding errors, so it wins. */
    @ServerExceptionMapper
    public Response binding(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        ErrorType type = switch (status) {
            case 401 -> ErrorType.UNAUTHORIZED;
            case 404 -> ErrorType.NOT_FOUND;
            case 405 -> ErrorType.METHOD_NOT_ALLOWED;
            case 406 -> ErrorType.NOT_ACCEPTABLE;
            case 413 -> ErrorType.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorType.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ErrorType.INTERNAL : ErrorType.INVALID_REQUEST;
        };
        String message = switch (type) {
            case NOT_FOUND -> "no such endpoint";
            case METHOD_NOT_ALLOWED -> "method not allowed on this endpoint";
            case UNSUPPORTED_MEDIA_TYPE -> "send the body as application/json";
            case NOT_ACCEPTABLE -> "this endpoint answers application/json only";
            case PAYLOAD_TOO_LARGE -> "request body too large";
            default -> e.getMessage() == null ? "bad request" : e.getMessage();
        };
        if (type == ErrorType.INTERNAL) {
            LOG.error("request failed", e);
        }
        return respond(type, message);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (HttpErrors.isDisconnect(e)) {
            errors.disconnected("request", "an API endpoint", e);
            return Response.status(ErrorType.INVALID_REQUEST.status()).build(); // nobody is left to read it
        }
        LOG.error("unexpected failure, this is a bug", e);
        return respond(ErrorType.INTERNAL, "internal error; the server log has the details");
    }

    private Response respond(ErrorType type, String message) {
        registry.counter("shears.request.failures", "error_type", type.code()).increment();
        return Response.status(type.status())
                .header("Retry-After", type == ErrorType.OVERLOADED ? "1" : null)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(type, message))
                .build();
    }

    /** Jackson's own messages name Java classes and echo input; say what was wrong in the request's own terms. */
    static String describe(JsonProcessingException e) {
        JsonProcessingException parse = parserFailure(e);
        if (parse != null) {
            return "malformed JSON: " + firstLine(parse.getOriginalMessage()).replaceAll(",? from `[^`]*`", "");
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return "unknown field '" + path(u) + "'" + (known.isEmpty() ? "" : "; known fields: " + known);
        }
        if (e instanceof MismatchedInputException m && m.getPath().isEmpty() && String.valueOf(m.getOriginalMessage()).startsWith("Trailing token")) {
            return "malformed JSON: more content after the end of the JSON value; send exactly one JSON object";
        }
        if (e instanceof MismatchedInputException m && m.getPath().isEmpty()) {
            return "the request body must be " + JsonShapes.expected(m.getTargetType());
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return "'" + path(m) + "' must be " + JsonShapes.expected(m.getTargetType());
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "'" + path(m) + "' has an invalid value";
        }
        return "malformed JSON: " + firstLine(e.getOriginalMessage());
    }

    /** The parser's own error (bad syntax, bad UTF-8, too deep) when Jackson wrapped it with a field path. */
    private static JsonProcessingException parserFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof JsonProcessingException p && !(c instanceof JsonMappingException)) {
                return p;
            }
        }
        return null;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        String line = message.lines().findFirst().orElse(message);
        line = line.replaceAll("\\(class [^)]*\\)", "")
                .replaceAll("\\s*\\(start marker at \\[Source: [^\\]]*\\][^)]*\\)", "")
                .replaceAll("\\s*at \\[Source: .*$", "")
                .replaceAll("`[a-z]+(\\.[A-Za-z$]+)+`", "value");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
