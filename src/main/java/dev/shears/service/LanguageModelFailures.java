package dev.shears.service;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.lm.LanguageModelException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Turns {@link LanguageModelException}s into the one error vocabulary and counts each in
 * {@code shears_lm_failures_total{kind}}. Client mistakes (too long, empty, bad or unsupported options) are 400s;
 * remote failures 502/504; only an engine failure is a 500.
 */
@ApplicationScoped
public class LanguageModelFailures {

    private static final Logger LOG = Logger.getLogger(LanguageModelFailures.class);

    @Inject
    MeterRegistry registry;

    /** The error type every failure kind answers with. */
    public static ErrorType typeOf(LanguageModelException.Kind kind) {
        return switch (kind) {
            case CONTEXT_TOO_LONG, EMPTY_INPUT, INVALID_INPUT, UNSUPPORTED_MODE -> ErrorType.INVALID_REQUEST;
            case MODEL_LOAD_FAILED -> ErrorType.MODEL_UNAVAILABLE;
            case INFERENCE_FAILED -> ErrorType.INTERNAL;
            case UPSTREAM_UNAVAILABLE, UPSTREAM_BAD_RESPONSE -> ErrorType.UPSTREAM_ERROR;
            case UPSTREAM_TIMEOUT -> ErrorType.TIMEOUT;
        };
    }

    /** Counts the failure and returns the exception the error mappers turn into the error body. */
    public ShearsException translate(LanguageModelException e) {
        registry.counter("shears.lm.failures", "kind", e.kind().name().toLowerCase(Locale.ROOT)).increment();
        ErrorType type = typeOf(e.kind());
        if (type == ErrorType.INTERNAL) {
            LOG.error("language model failed", e);
            return new ShearsException(type, "the language model failed; the server log has the details", e);
        }
        return new ShearsException(type, e.getMessage(), e);
    }
}
