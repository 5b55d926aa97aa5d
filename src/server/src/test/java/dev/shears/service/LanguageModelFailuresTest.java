package dev.shears.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.error.ErrorType;
import dev.shears.error.ShearsException;
import dev.shears.lm.LanguageModelException;
import dev.shears.lm.LanguageModelException.Kind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class LanguageModelFailuresTest {

    @Test
    void client_mistakes_are_400s_and_only_engine_failures_are_500s() {
        for (Kind k : EnumSet.of(Kind.CONTEXT_TOO_LONG, Kind.EMPTY_INPUT, Kind.INVALID_INPUT, Kind.UNSUPPORTED_MODE)) {
            assertEquals(400, k.errorType().status(), k.name());
        }
        assertEquals(ErrorType.INTERNAL, Kind.INFERENCE_FAILED.errorType());
        assertEquals(ErrorType.MODEL_UNAVAILABLE, Kind.MODEL_LOAD_FAILED.errorType());
        assertEquals(502, Kind.UPSTREAM_UNAVAILABLE.errorType().status());
        assertEquals(502, Kind.UPSTREAM_BAD_RESPONSE.errorType().status());
        assertEquals(504, Kind.UPSTREAM_TIMEOUT.errorType().status());
    }

    @Test
    void every_failure_is_counted_by_kind_and_engine_details_stay_in_the_log() {
        LanguageModelFailures failures = new LanguageModelFailures();
        failures.registry = new SimpleMeterRegistry();
        for (Kind k : Kind.values()) {
            ShearsException e = failures.translate(new LanguageModelException(k, "detail of " + k));
            assertEquals(k.errorType(), e.type());
            assertTrue(k == Kind.INFERENCE_FAILED ? !e.getMessage().contains("detail of") : e.getMessage().contains("detail of"));
            assertEquals(1.0, failures.registry.counter("shears.lm.failures", "kind", k.name().toLowerCase()).count());
        }
    }
}
